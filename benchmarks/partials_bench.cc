// What totals across tasks cost (issue 12, docs/scale-out.md "Sizing"): for a province of
// 300,000 enterprises over Zhejiang's 90 counties and 15 industries, one day's
//   - WholeDaySum: SumDayExact over every enterprise, what one instance does today (the
//     reference the others are read against);
//   - TaskPartials/T: every task's ScoredSums, cut by 12 owners and encoded as partials
//     messages, with T tasks (readings partitions): counters give the messages and bytes a day
//     writes to the partials topic;
//   - OwnerPublish/T: one owner (of 12) decoding its messages of the day, combining them and
//     publishing its groups' records into a RocksDB state (a fresh day each iteration, as in
//     operation).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "engine/groups/day_group_sums.h"
#include "engine/groups/group_partial_codec.h"
#include "engine/publish/totals_publisher.h"
#include "engine/reference/enterprise_registry.h"

namespace fugong {
namespace {

constexpr int kEnterprises = 300000;
constexpr int kOwners = 12;
constexpr Day kFirstDay = 18300;

struct Province {
  EngineConfig config;
  EngineReferences refs{};
  EnterpriseRegistry registry;
  std::vector<ScoredEnterprise> scores;  // one day's, by id
  std::vector<int> task_of;              // by position in `scores`: a hash of the id
};

// Enterprise i's readings partition: as a producer keyed by enterprise would spread them.
int TaskOf(const std::string& id, int tasks) {
  return static_cast<int>(std::hash<std::string>{}(id) % static_cast<size_t>(tasks));
}

const Province& TheProvince() {
  static const Province* province = [] {
    auto* p = new Province();
    p->refs = {&p->config, &RegionTable::Zhejiang(), &IndustryTable::Standard(),
               &HolidayCalendar::China()};
    std::mt19937_64 rng(300000);
    std::uniform_real_distribution<double> unit(0, 1);
    const std::vector<std::string>& counties = RegionTable::Zhejiang().counties();
    for (int i = 0; i < kEnterprises; ++i) {
      Enterprise e;
      char id[16];
      std::snprintf(id, sizeof id, "E%07d", i);
      e.id = id;
      e.county = counties[rng() % counties.size()];
      char industry[8];
      std::snprintf(industry, sizeof industry, "I%02d", static_cast<int>(1 + rng() % 15));
      e.industry = industry;
      p->registry.Upsert(e);
      if (unit(rng) < 0.1) continue;
      ScoredEnterprise s{e.id, DayScore{}};
      s.score.has_data = true;
      s.score.eligible = unit(rng) < 0.9;
      s.score.resumed = unit(rng) < 0.6;
      s.score.baseline_kwh = std::pow(10.0, 1 + 4 * unit(rng)) * (1 + unit(rng));
      s.score.recovered_kwh = s.score.baseline_kwh * unit(rng);
      p->scores.push_back(s);
    }
    return p;
  }();
  return *province;
}

GroupCatalog NewCatalog(const Province& p) {
  Result<std::vector<GroupLevel>> levels = ParseLevels(p.config.levels);
  return GroupCatalog(*p.refs.regions, *p.refs.industries, *levels);
}

// The day's scores by task, as each task holds them.
std::vector<std::vector<ScoredEnterprise>> HeldByTask(const Province& p, int tasks) {
  std::vector<std::vector<ScoredEnterprise>> held(tasks);
  for (const ScoredEnterprise& s : p.scores) held[TaskOf(s.id, tasks)].push_back(s);
  return held;
}

// Every task's partials of `day` for every owner: messages[q] = (key, value) of owner q.
std::vector<std::vector<std::pair<std::string, std::string>>> DayMessages(
    const Province& p, Day day, const std::vector<std::vector<ScoredEnterprise>>& held,
    GroupMembership* membership, int64_t sequence) {
  const int tasks = static_cast<int>(held.size());
  std::vector<std::vector<std::pair<std::string, std::string>>> messages(kOwners);
  for (int t = 0; t < tasks; ++t) {
    bool has_data = false;
    const std::vector<TaskDayPartial> cut = SplitByPartialsPartition(
        day, t, sequence, ScoredSums(day, p.registry, held[t], membership, &has_data),
        membership->catalog(), kOwners);
    for (int q = 0; q < kOwners; ++q) {
      messages[q].emplace_back(PartialKey(cut[q]), PartialValue(cut[q]));
      messages[q].emplace_back(
          WatermarkKey(t), WatermarkValue({t, sequence + 1, day, std::make_pair(kFirstDay, day)}));
    }
  }
  return messages;
}

void BM_WholeDaySum(benchmark::State& state) {
  const Province& p = TheProvince();
  GroupCatalog catalog = NewCatalog(p);
  GroupMembership membership(&catalog);
  membership.Members(p.registry);  // built once, as a running instance has it
  for (auto _ : state) {
    bool has_data = false;
    benchmark::DoNotOptimize(SumDayExact(kFirstDay, p.registry, p.scores, &membership, &has_data));
  }
  state.counters["groups"] = static_cast<double>(catalog.size());
}
BENCHMARK(BM_WholeDaySum)->Unit(benchmark::kMillisecond);

void BM_TaskPartials(benchmark::State& state) {
  const Province& p = TheProvince();
  const int tasks = static_cast<int>(state.range(0));
  GroupCatalog catalog = NewCatalog(p);
  GroupMembership membership(&catalog);
  membership.Members(p.registry);  // built once, as a running instance has it
  const std::vector<std::vector<ScoredEnterprise>> held = HeldByTask(p, tasks);
  size_t bytes = 0, messages = 0;
  for (auto _ : state) {
    bytes = messages = 0;
    for (const auto& owner : DayMessages(p, kFirstDay, held, &membership, 2)) {
      for (const auto& [key, value] : owner) {
        bytes += key.size() + value.size();
        ++messages;
      }
    }
  }
  state.counters["messages_per_day"] = static_cast<double>(messages);
  state.counters["bytes_per_day"] = static_cast<double>(bytes);
}
BENCHMARK(BM_TaskPartials)->Arg(12)->Arg(24)->Arg(48)->Unit(benchmark::kMillisecond);

void BM_OwnerPublish(benchmark::State& state) {
  const Province& p = TheProvince();
  const int tasks = static_cast<int>(state.range(0));
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("fugong-partials-bench-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::unique_ptr<StateStore> store = std::move(StateStore::Open(dir.string())).value();
  TotalsPublisher owner(p.refs, nullptr, tasks, 0, kOwners);
  if (!owner.Open().ok()) state.SkipWithError("levels");
  GroupCatalog catalog = NewCatalog(p);
  GroupMembership membership(&catalog);
  membership.Members(p.registry);  // built once, as a running instance has it
  const std::vector<std::vector<ScoredEnterprise>> held = HeldByTask(p, tasks);
  Day day = kFirstDay;
  size_t records = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const auto messages = DayMessages(p, day, held, &membership, 2 * (day - kFirstDay) + 2);
    state.ResumeTiming();
    for (const auto& [key, value] : messages[0]) {
      if (!owner.Add(key, value).ok()) state.SkipWithError("bad message");
    }
    IndexPublisher publisher(store.get(), 1600000000);
    const Status published =
        owner.Publish(p.registry, &publisher, store.get(),
                      [&](StateBatch*, const std::string&, const std::string&) { ++records; });
    if (!published.ok()) state.SkipWithError(published.ToString().c_str());
    ++day;
  }
  state.counters["records_per_day"] =
      benchmark::Counter(static_cast<double>(records), benchmark::Counter::kAvgIterations);
  store.reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_OwnerPublish)->Arg(12)->Arg(24)->Arg(48)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace fugong

BENCHMARK_MAIN();
