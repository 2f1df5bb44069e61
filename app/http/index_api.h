// The JSON API over the published index (docs/api.md):
//   GET /v1/dates                                   every date with published records
//   GET /v1/index?date=D&level=L[&code=C]           a day's records of a level (or one record)
//   GET /v1/index/series?level=L&code=C[&from=D][&to=D]
//   GET /v1/map/D.svg[?layer=risk]                  the five-colour county map of a day (or
//                                                   the epidemic risk chart's)
//   GET /v1/matrix?date=D                           risk level x tier, held back and ahead lists
//   GET /v1/guidance?date=D[&county=C]              recommended industries' resumption by county
//   GET /v1/bulletin/D.html                         the daily bulletin (print-ready HTML)
//   GET /v1/regions                                 the region table
// Records are returned as published (same bytes as on the index topic). Bad parameters get a
// 400 and an unknown date or record a 404, each with a JSON {"error": ...}.
#pragma once

#include "app/http/http_message.h"
#include "app/http/published_index.h"
#include "engine/publish/resumption_guidance.h"
#include "engine/reference/industry_table.h"
#include "engine/reference/region_table.h"

namespace fugong {

class IndexApi {
 public:
  // `guidance` may be null (no guidance table configured).
  IndexApi(const RegionTable* regions, const IndustryTable* industries,
           const GuidanceTable* guidance, int min_group_size)
      : regions_(regions),
        industries_(industries),
        guidance_(guidance),
        min_group_size_(min_group_size) {}

  // Whether `path` is one of the API's (then Handle answers it).
  static bool Serves(std::string_view path);
  HttpResponse Handle(const HttpRequest& request, const PublishedIndex& index) const;

 private:
  HttpResponse Dates(const HttpRequest& request, const PublishedIndex& index) const;
  HttpResponse DayIndex(const HttpRequest& request, const PublishedIndex& index) const;
  HttpResponse Series(const HttpRequest& request, const PublishedIndex& index) const;
  HttpResponse Map(const HttpRequest& request, const PublishedIndex& index) const;
  HttpResponse Matrix(const HttpRequest& request, const PublishedIndex& index) const;
  HttpResponse Guidance(const HttpRequest& request, const PublishedIndex& index) const;
  HttpResponse Bulletin(const HttpRequest& request, const PublishedIndex& index) const;
  HttpResponse Regions(const HttpRequest& request) const;

  const RegionTable* regions_;
  const IndustryTable* industries_;
  const GuidanceTable* guidance_;
  int min_group_size_;
};

}  // namespace fugong
