#include "app/render/geojson_features.h"

#include <cmath>
#include <cstdint>

#include <nlohmann/json.hpp>

namespace fugong::render {

namespace {

using nlohmann::json;

Status RingFrom(const json& j, const std::string& where, std::vector<LonLat>* ring) {
  if (!j.is_array()) return Status::InvalidArgument(where + ": a ring must be an array");
  if (j.size() < 3) return Status::InvalidArgument(where + ": a ring needs at least 3 positions");
  ring->reserve(j.size());
  for (size_t i = 0; i < j.size(); ++i) {
    const json& p = j[i];
    // Positions may carry an altitude as a third number; it is ignored.
    if (!p.is_array() || p.size() < 2 || !p[0].is_number() || !p[1].is_number()) {
      return Status::InvalidArgument(where + ", position " + std::to_string(i) +
                                     ": expected [longitude, latitude]");
    }
    const double lon = p[0].get<double>(), lat = p[1].get<double>();
    if (!std::isfinite(lon) || !std::isfinite(lat) || std::fabs(lat) > 90 || std::fabs(lon) > 360) {
      return Status::InvalidArgument(where + ", position " + std::to_string(i) +
                                     ": longitude/latitude out of range");
    }
    ring->push_back({lon, lat});
  }
  return Status::OK();
}

Status PolygonFrom(const json& j, const std::string& where, GeoPolygon* polygon) {
  if (!j.is_array() || j.empty()) {
    return Status::InvalidArgument(where + ": a polygon must be a non-empty array of rings");
  }
  for (size_t r = 0; r < j.size(); ++r) {
    std::vector<LonLat> ring;
    FUGONG_RETURN_IF_ERROR(RingFrom(j[r], where + ", ring " + std::to_string(r), &ring));
    polygon->push_back(std::move(ring));
  }
  return Status::OK();
}

}  // namespace

Result<std::vector<GeoFeature>> ParseGeoJsonFeatures(std::string_view geojson,
                                                     const std::string& code_property) {
  const json doc = json::parse(geojson.begin(), geojson.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::InvalidArgument("GeoJSON: not valid JSON");
  if (!doc.is_object() || doc.value("type", json()) != "FeatureCollection") {
    return Status::InvalidArgument(
        "GeoJSON: expected an object with \"type\": \"FeatureCollection\"");
  }
  const auto features = doc.find("features");
  if (features == doc.end() || !features->is_array()) {
    return Status::InvalidArgument("GeoJSON: a FeatureCollection needs a \"features\" array");
  }
  std::vector<GeoFeature> out;
  for (size_t i = 0; i < features->size(); ++i) {
    const json& f = (*features)[i];
    const std::string where = "GeoJSON feature " + std::to_string(i);
    if (!f.is_object() || f.value("type", json()) != "Feature") {
      return Status::InvalidArgument(where + ": expected an object with \"type\": \"Feature\"");
    }
    GeoFeature feature;
    const auto props = f.find("properties");
    const json* code = nullptr;
    if (props != f.end() && props->is_object()) {
      const auto it = props->find(code_property);
      if (it != props->end()) code = &*it;
    }
    if (code != nullptr && code->is_string()) {
      feature.code = code->get<std::string>();
    } else if (code != nullptr && code->is_number_integer()) {
      feature.code = code->is_number_unsigned() ? std::to_string(code->get<uint64_t>())
                                                : std::to_string(code->get<int64_t>());
    } else {
      return Status::InvalidArgument(where + ": property \"" + code_property +
                                     "\" is missing or not a string or integer");
    }
    const std::string named = where + " (" + feature.code + ")";
    const auto geometry = f.find("geometry");
    if (geometry == f.end()) return Status::InvalidArgument(named + ": no \"geometry\" member");
    if (geometry->is_null()) continue;
    if (!geometry->is_object()) return Status::InvalidArgument(named + ": bad geometry");
    const json type = geometry->value("type", json());
    const auto coords = geometry->find("coordinates");
    if (coords == geometry->end()) {
      return Status::InvalidArgument(named + ": geometry has no \"coordinates\"");
    }
    if (type == "Polygon") {
      GeoPolygon polygon;
      FUGONG_RETURN_IF_ERROR(PolygonFrom(*coords, named, &polygon));
      feature.polygons.push_back(std::move(polygon));
    } else if (type == "MultiPolygon") {
      if (!coords->is_array() || coords->empty()) {
        return Status::InvalidArgument(named + ": a MultiPolygon needs a non-empty array");
      }
      for (size_t p = 0; p < coords->size(); ++p) {
        GeoPolygon polygon;
        FUGONG_RETURN_IF_ERROR(
            PolygonFrom((*coords)[p], named + ", polygon " + std::to_string(p), &polygon));
        feature.polygons.push_back(std::move(polygon));
      }
    } else {
      return Status::InvalidArgument(named + ": geometry type " +
                                     (type.is_string() ? type.get<std::string>() : "(none)") +
                                     " is not Polygon or MultiPolygon");
    }
    out.push_back(std::move(feature));
  }
  if (out.empty()) return Status::InvalidArgument("GeoJSON: no polygon features to draw");
  return out;
}

}  // namespace fugong::render
