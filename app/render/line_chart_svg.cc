#include "app/render/line_chart_svg.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>

#include "app/render/axis_ticks.h"
#include "app/render/svg_document.h"
#include "app/render/svg_text.h"
#include "app/render/tier_palette.h"

namespace fugong::render {

namespace {

constexpr double kWidth = 960;
constexpr double kMinHeight = 540;
constexpr double kMargin = 24;
constexpr double kAxisLeft = 70;    // y tick labels and the y caption
constexpr double kAxisBottom = 52;  // x tick labels and the x caption
constexpr double kLegendRow = 20;
constexpr double kMinPlotHeight = 300;

// Okabe–Ito, reordered so the first lines are the most distinct on white. Its yellow (#F0E442)
// is too light for a thin line on white, so the eighth colour is a darker gold of the same hue.
constexpr std::array<std::string_view, 8> kSeriesColours = {
    "#000000", "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#A89400"};
// After each round of eight colours the lines change pattern.
constexpr std::array<std::string_view, 4> kDashes = {"", "7 4", "2 3", "9 3 2 3"};

std::string_view ColourOf(size_t i) { return kSeriesColours[i % kSeriesColours.size()]; }
std::string_view DashOf(size_t i) { return kDashes[(i / kSeriesColours.size()) % kDashes.size()]; }

std::string StrokeAttributes(size_t i) {
  std::string out = "stroke=\"" + std::string(ColourOf(i)) + "\"";
  if (!DashOf(i).empty()) out += " stroke-dasharray=\"" + std::string(DashOf(i)) + "\"";
  return out;
}

// Legend labels longer than this are cut with an ellipsis, so the plot keeps its room.
std::string Truncate(const std::string& label, double max_px, double font_px) {
  if (EstimateTextWidth(label, font_px) <= max_px) return label;
  std::string out;
  for (size_t i = 0; i < label.size();) {
    size_t len = 1;
    while (i + len < label.size() && (static_cast<unsigned char>(label[i + len]) & 0xC0) == 0x80) {
      ++len;
    }
    if (EstimateTextWidth(out + label.substr(i, len), font_px) + font_px > max_px) break;
    out += label.substr(i, len);
    i += len;
  }
  return out + "…";
}

}  // namespace

std::string RenderLineChart(const std::vector<Series>& series, const ChartOptions& options) {
  // Points in day order, and the extent of days and values.
  std::vector<std::vector<std::pair<Day, std::optional<double>>>> sorted;
  bool any_day = false, any_value = false;
  Day first = 0, last = 0;
  double vmin = 0, vmax = 0;
  for (const Series& s : series) {
    auto points = s.points;
    std::stable_sort(points.begin(), points.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [day, value] : points) {
      first = any_day ? std::min(first, day) : day;
      last = any_day ? std::max(last, day) : day;
      any_day = true;
      if (value && std::isfinite(*value)) {
        vmin = any_value ? std::min(vmin, *value) : *value;
        vmax = any_value ? std::max(vmax, *value) : *value;
        any_value = true;
      }
    }
    sorted.push_back(std::move(points));
  }
  if (!any_day) first = last = 0;

  // y range: fixed ends win; else 0 (or below) up to the data, or the tier scale.
  double lo = std::min(0.0, any_value ? vmin : 0.0);
  double hi = any_value ? vmax : 100;
  if (options.tier_bands) hi = std::max(hi, 100.0);
  if (options.y_min) lo = *options.y_min;
  if (options.y_max) hi = *options.y_max;

  // Legend to the right of the plot, as wide as its labels need (within limits).
  constexpr double kLegendFont = 13;
  double legend_text = 60;
  for (const Series& s : series) {
    legend_text = std::max(legend_text, EstimateTextWidth(s.label, kLegendFont));
  }
  legend_text = std::min(legend_text, 200.0);
  const double legend_w = series.empty() ? 0 : 34 + legend_text;

  SvgFrame frame{kWidth, kMinHeight, options.title, ""};
  const double top = HeadingHeight(frame) + 4;
  const double legend_h = series.size() * kLegendRow;
  frame.height =
      std::max(kMinHeight, top + std::max(kMinPlotHeight, legend_h) + kAxisBottom + kMargin);
  const double plot_x = kMargin + kAxisLeft;
  const double plot_y = top;
  const double plot_w = kWidth - plot_x - kMargin - (legend_w > 0 ? legend_w + 20 : 0);
  const double plot_h = frame.height - top - kAxisBottom - kMargin;

  // With tier bands, ticks every 20 fall on the band edges.
  const double band_step = options.tier_bands && hi - lo <= 200 ? 20 : 0;
  const ValueTicks yt =
      NiceValueTicks(lo, hi, std::max(3, static_cast<int>(plot_h / 60)), options.y_min.has_value(),
                     options.y_max.has_value(), band_step);
  const double days = std::max(1, last - first);
  const double px_per_day = plot_w / days;
  auto x_of = [&](Day d) { return plot_x + (d - first) * px_per_day; };
  auto y_of = [&](double v) { return plot_y + (yt.hi - v) / (yt.hi - yt.lo) * plot_h; };

  std::string out = OpenSvg(frame);

  // Tier bands, clipped to the plot, each labelled at its right end. The labels are drawn after
  // the lines, with a white halo, so lines never hide them.
  std::string band_labels;
  if (options.tier_bands) {
    out += "<g class=\"tier-bands\">\n";
    for (int tier = 1; tier <= 5; ++tier) {
      const TierStyle& s = StyleOfTier(tier);
      // T1 has no upper bound and T5 no lower one: the composite can pass 100 (load above normal).
      const double band_hi = std::min(yt.hi, tier == 1 ? yt.hi : s.upper);
      const double band_lo = std::max(yt.lo, tier == 5 ? yt.lo : s.lower);
      if (band_hi <= band_lo) continue;
      const double y0 = y_of(band_hi), y1 = y_of(band_lo);
      out += "<rect class=\"tier-band\" data-tier=\"" + std::to_string(tier) + "\" x=\"" +
             SvgNumber(plot_x) + "\" y=\"" + SvgNumber(y0) + "\" width=\"" + SvgNumber(plot_w) +
             "\" height=\"" + SvgNumber(y1 - y0) + "\" fill=\"" + std::string(s.fill) +
             "\" fill-opacity=\"0.16\"/>";
      if (y1 - y0 >= 14) {
        band_labels +=
            "<text x=\"" + SvgNumber(plot_x + plot_w - 6) + "\" y=\"" +
            SvgNumber((y0 + y1) / 2 + 4) +
            "\" font-size=\"11\" text-anchor=\"end\" fill=\"#444444\" stroke=\"#FFFFFF\" "
            "stroke-width=\"3\" paint-order=\"stroke\">" +
            std::string(s.name) + "</text>";
      }
      out += "\n";
    }
    out += "</g>\n";
  }

  // Grid and y ticks.
  out += "<g class=\"y-axis\" font-size=\"12\" fill=\"#333333\" text-anchor=\"end\">\n";
  for (double v : yt.values) {
    const double y = y_of(v);
    out += "<line x1=\"" + SvgNumber(plot_x) + "\" y1=\"" + SvgNumber(y) + "\" x2=\"" +
           SvgNumber(plot_x + plot_w) + "\" y2=\"" + SvgNumber(y) +
           "\" stroke=\"#D0D0D0\" stroke-width=\"1\"/><text x=\"" + SvgNumber(plot_x - 8) +
           "\" y=\"" + SvgNumber(y + 4) + "\">" + ValueTickLabel(v, yt.step) + "</text>\n";
  }
  if (!options.y_label.empty()) {
    const double cx = kMargin + 12, cy = plot_y + plot_h / 2;
    out += "<text class=\"axis-label\" x=\"" + SvgNumber(cx) + "\" y=\"" + SvgNumber(cy) +
           "\" transform=\"rotate(-90 " + SvgNumber(cx) + " " + SvgNumber(cy) +
           ")\" text-anchor=\"middle\" font-size=\"13\">" + XmlEscape(options.y_label) +
           "</text>\n";
  }
  out += "</g>\n";

  // x ticks.
  const DateTicks xt = NiceDateTicks(first, last, px_per_day, 64);
  out += "<g class=\"x-axis\" font-size=\"12\" fill=\"#333333\" text-anchor=\"middle\">\n";
  const double axis_y = plot_y + plot_h;
  for (const DateTick& t : xt.ticks) {
    const double x = x_of(t.day);
    out += "<line x1=\"" + SvgNumber(x) + "\" y1=\"" + SvgNumber(axis_y) + "\" x2=\"" +
           SvgNumber(x) + "\" y2=\"" + SvgNumber(axis_y + 5) + "\" stroke=\"#333333\"/><text x=\"" +
           SvgNumber(x) + "\" y=\"" + SvgNumber(axis_y + 19) + "\">" + XmlEscape(t.label) +
           "</text>\n";
  }
  out += "<line x1=\"" + SvgNumber(plot_x) + "\" y1=\"" + SvgNumber(axis_y) + "\" x2=\"" +
         SvgNumber(plot_x + plot_w) + "\" y2=\"" + SvgNumber(axis_y) +
         "\" stroke=\"#333333\" stroke-width=\"1\"/>\n";
  out += "<text class=\"axis-label\" x=\"" + SvgNumber(plot_x + plot_w / 2) + "\" y=\"" +
         SvgNumber(axis_y + 40) + "\" font-size=\"13\">" +
         XmlEscape(xt.years.empty() ? "Date" : "Date (" + xt.years + ")") + "</text>\n";
  out += "</g>\n";

  // The lines, inside a nested viewport that clips what lies beyond a fixed y range (a nested
  // <svg> clips without a clipPath id, which would clash when several charts share a page).
  out += "<svg class=\"plot\" x=\"" + SvgNumber(plot_x) + "\" y=\"" + SvgNumber(plot_y) +
         "\" width=\"" + SvgNumber(plot_w) + "\" height=\"" + SvgNumber(plot_h) + "\" viewBox=\"" +
         SvgNumber(plot_x) + " " + SvgNumber(plot_y) + " " + SvgNumber(plot_w) + " " +
         SvgNumber(plot_h) + "\" overflow=\"hidden\">\n";
  if (!any_value) {
    out += "<text x=\"" + SvgNumber(plot_x + plot_w / 2) + "\" y=\"" +
           SvgNumber(plot_y + plot_h / 2) +
           "\" font-size=\"16\" text-anchor=\"middle\" fill=\"#777777\">no data</text>\n";
  }
  for (size_t i = 0; i < sorted.size(); ++i) {
    std::string d, dots;
    const auto& points = sorted[i];
    for (size_t k = 0; k < points.size(); ++k) {
      const auto& value = points[k].second;
      if (!value || !std::isfinite(*value)) continue;
      const bool joined_before =
          k > 0 && points[k - 1].second && std::isfinite(*points[k - 1].second);
      const bool joined_after =
          k + 1 < points.size() && points[k + 1].second && std::isfinite(*points[k + 1].second);
      const std::string x = SvgNumber(x_of(points[k].first)), y = SvgNumber(y_of(*value));
      d += (joined_before ? "L" : "M") + x + " " + y;
      if (!joined_before && !joined_after) {  // a lone value would be invisible as a path
        dots += "<circle cx=\"" + x + "\" cy=\"" + y + "\" r=\"3\" fill=\"" +
                std::string(ColourOf(i)) + "\"/>";
      }
    }
    out += "<g class=\"series\" data-series=\"" + std::to_string(i) + "\"><title>" +
           XmlEscape(series[i].label) + "</title><path class=\"series-line\" data-series=\"" +
           std::to_string(i) + "\" d=\"" + d + "\" fill=\"none\" " + StrokeAttributes(i) +
           " stroke-width=\"2.2\" stroke-linejoin=\"round\" stroke-linecap=\"round\"/>" + dots +
           "</g>\n";
  }
  out += "</svg>\n";
  if (!band_labels.empty()) out += "<g class=\"tier-band-labels\">" + band_labels + "</g>\n";

  // Legend.
  if (!series.empty()) {
    const double lx = plot_x + plot_w + 20;
    out += "<g class=\"legend\" font-size=\"" + SvgNumber(kLegendFont) + "\" fill=\"#222222\">\n";
    for (size_t i = 0; i < series.size(); ++i) {
      const double y = plot_y + 6 + i * kLegendRow;
      out += "<g class=\"legend-item\" data-series=\"" + std::to_string(i) + "\"><line x1=\"" +
             SvgNumber(lx) + "\" y1=\"" + SvgNumber(y) + "\" x2=\"" + SvgNumber(lx + 24) +
             "\" y2=\"" + SvgNumber(y) + "\" " + StrokeAttributes(i) +
             " stroke-width=\"2.5\"/><text x=\"" + SvgNumber(lx + 32) + "\" y=\"" +
             SvgNumber(y + 4.5) + "\">" +
             XmlEscape(Truncate(series[i].label, legend_text, kLegendFont)) + "</text></g>\n";
    }
    out += "</g>\n";
  }
  out += CloseSvg();
  return out;
}

}  // namespace fugong::render
