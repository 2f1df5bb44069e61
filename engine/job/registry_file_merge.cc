#include "engine/job/registry_file_merge.h"

#include "engine/common/date.h"

namespace fugong {

namespace {

std::string DateText(const std::optional<Day>& day) { return day ? FormatDate(*day) : "(none)"; }

std::string TagsText(const std::vector<std::string>& tags) {
  if (tags.empty()) return "(none)";
  std::string text;
  for (const std::string& tag : tags) text += (text.empty() ? "" : ";") + tag;
  return text;
}

void AddDifference(const char* field, const std::string& earlier, const std::string& later,
                   std::string* out) {
  if (earlier == later) return;
  if (!out->empty()) *out += ", ";
  *out += std::string(field) + " " + earlier + " -> " + later;
}

}  // namespace

std::string EnterpriseDifferences(const Enterprise& earlier, const Enterprise& later) {
  std::string out;
  AddDifference("county_code", earlier.county, later.county, &out);
  AddDifference("industry", earlier.industry, later.industry, &out);
  AddDifference("scale", ScaleCode(earlier.scale), ScaleCode(later.scale), &out);
  AddDifference("tags", TagsText(earlier.tags), TagsText(later.tags), &out);
  AddDifference("active_from", DateText(earlier.active_from), DateText(later.active_from), &out);
  AddDifference("active_to", DateText(earlier.active_to), DateText(later.active_to), &out);
  return out;
}

RegistryFileMerge::Outcome RegistryFileMerge::Add(Enterprise enterprise, int64_t line,
                                                  std::string_view raw, DeadLetter* superseded) {
  auto [listed, first] = listed_.try_emplace(enterprise.id);
  const Enterprise* before = registry_->Find(enterprise.id);
  if (!first && before != nullptr) {
    // Compared as decoded, so that spacing or an industry given as its GB/T code is no conflict.
    const std::string differences = EnterpriseDifferences(*before, enterprise);
    if (differences.empty()) return Outcome::kDuplicate;
    *superseded = DeadLetter{
        DeadLetterReason::kConflictingRegistryLine,
        "enterprise " + enterprise.id + " is listed again at line " + std::to_string(line) +
            " with other fields (" + differences + "); the later line is used",
        RecordOrigin{file_, -1, listed->second.line}, std::move(listed->second.raw),
        SupersedingLine{line, std::string(raw)}};
  }
  listed->second = Listed{line, std::string(raw)};
  registry_->Upsert(std::move(enterprise));
  return first ? Outcome::kAdded : Outcome::kReplaced;
}

}  // namespace fugong
