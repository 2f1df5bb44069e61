// County polygons read from a GeoJSON FeatureCollection (RFC 7946), for drawing real maps.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/common/status.h"

namespace fugong::render {

struct LonLat {
  double lon;
  double lat;
};

// One polygon: the outer ring, then any holes. Rings are kept as given (closed or not).
using GeoPolygon = std::vector<std::vector<LonLat>>;

struct GeoFeature {
  std::string code;                  // the value of the code property, as text
  std::vector<GeoPolygon> polygons;  // one for a Polygon, several for a MultiPolygon
};

// Reads every feature with a Polygon or MultiPolygon geometry. The code property may be a
// string or an integer (GB/T 2260 codes are often stored as numbers). Features whose geometry is
// null are skipped, as RFC 7946 allows them. Anything else that is not a FeatureCollection of
// such features — malformed JSON, a missing property, another geometry type, a position that is
// not two finite numbers, a ring of fewer than 3 positions — is InvalidArgument naming the
// feature.
Result<std::vector<GeoFeature>> ParseGeoJsonFeatures(std::string_view geojson,
                                                     const std::string& code_property);

}  // namespace fugong::render
