#include "app/render/tile_layout.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numbers>
#include <numeric>

namespace fugong::render {

namespace {

// Rank of each value in [0, n-1], ties sharing their mean rank so that equal coordinates stay
// equal after blending.
std::vector<double> Ranks(const std::vector<double>& values) {
  const size_t n = values.size();
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return values[a] < values[b]; });
  std::vector<double> rank(n);
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j + 1 < n && values[order[j + 1]] == values[order[i]]) ++j;
    const double mean = (static_cast<double>(i) + static_cast<double>(j)) / 2;
    for (size_t k = i; k <= j; ++k) rank[order[k]] = mean;
    i = j + 1;
  }
  return rank;
}

// Minimum-cost assignment of n rows to m >= n columns (Hungarian method with potentials,
// O(n^2 m)). Returns, for each row, its column.
std::vector<int> AssignMinCost(const std::vector<std::vector<double>>& cost, int m) {
  const int n = static_cast<int>(cost.size());
  const double kInf = std::numeric_limits<double>::infinity();
  // 1-based internally: column 0 is the virtual start column.
  std::vector<double> u(n + 1, 0), v(m + 1, 0);
  std::vector<int> match(m + 1, 0), way(m + 1, 0);
  for (int i = 1; i <= n; ++i) {
    match[0] = i;
    int j0 = 0;
    std::vector<double> minv(m + 1, kInf);
    std::vector<bool> used(m + 1, false);
    do {
      used[j0] = true;
      const int i0 = match[j0];
      double delta = kInf;
      int j1 = 0;
      for (int j = 1; j <= m; ++j) {
        if (used[j]) continue;
        const double cur = cost[i0 - 1][j - 1] - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (int j = 0; j <= m; ++j) {
        if (used[j]) {
          u[match[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (match[j0] != 0);
    do {
      const int j1 = way[j0];
      match[j0] = match[j1];
      j0 = j1;
    } while (j0 != 0);
  }
  std::vector<int> column_of(n, -1);
  for (int j = 1; j <= m; ++j) {
    if (match[j] != 0) column_of[match[j] - 1] = j - 1;
  }
  return column_of;
}

// The grid being optimised: which located site sits in each cell, and the cost of a layout.
class GridSearch {
 public:
  GridSearch(int cols, int rows, std::vector<double> tx, std::vector<double> ty,
             std::vector<int> group, double reward)
      : cols_(cols),
        rows_(rows),
        tx_(std::move(tx)),
        ty_(std::move(ty)),
        group_(std::move(group)),
        reward_(reward),
        occupant_(static_cast<size_t>(cols) * rows, -1) {}

  void Place(int site, int cell) { occupant_[cell] = site; }
  int Occupant(int cell) const { return occupant_[cell]; }

  // Swaps the contents of two cells while that lowers the cost; stops at a local minimum.
  void Improve(int max_passes) {
    const int cells = cols_ * rows_;
    for (int pass = 0; pass < max_passes; ++pass) {
      bool improved = false;
      for (int a = 0; a < cells; ++a) {
        for (int b = a + 1; b < cells; ++b) {
          if (occupant_[a] < 0 && occupant_[b] < 0) continue;
          const double before = LocalCost(a, b);
          std::swap(occupant_[a], occupant_[b]);
          const double after = LocalCost(a, b);
          if (after < before - 1e-9) {
            improved = true;
          } else {
            std::swap(occupant_[a], occupant_[b]);
          }
        }
      }
      if (!improved) return;
    }
  }

 private:
  double Distance(int cell) const {
    const int s = occupant_[cell];
    if (s < 0) return 0;
    const double dx = tx_[s] - cell % cols_, dy = ty_[s] - cell / cols_;
    return dx * dx + dy * dy;
  }

  double PairCost(int a, int b) const {
    const int sa = occupant_[a], sb = occupant_[b];
    return (sa >= 0 && sb >= 0 && group_[sa] == group_[sb]) ? -reward_ : 0;
  }

  // Every term of the cost that involves cell a or cell b.
  double LocalCost(int a, int b) const {
    double cost = Distance(a) + Distance(b);
    for (int cell : {a, b}) {
      const int c = cell % cols_, r = cell / cols_;
      const int neighbours[4][2] = {{c - 1, r}, {c + 1, r}, {c, r - 1}, {c, r + 1}};
      for (const auto& [nc, nr] : neighbours) {
        if (nc < 0 || nr < 0 || nc >= cols_ || nr >= rows_) continue;
        const int other = nr * cols_ + nc;
        if (cell == b && other == a) continue;  // counted from a already
        cost += PairCost(cell, other);
      }
    }
    return cost;
  }

  int cols_, rows_;
  std::vector<double> tx_, ty_;
  std::vector<int> group_;
  double reward_;
  std::vector<int> occupant_;
};

}  // namespace

TileLayout LayoutTiles(const std::vector<TileSite>& sites, const TileLayoutOptions& options) {
  TileLayout layout;
  layout.tiles.resize(sites.size());
  std::vector<size_t> located, unlocated;
  for (size_t i = 0; i < sites.size(); ++i) {
    layout.tiles[i].code = sites[i].code;
    layout.tiles[i].group = sites[i].group;
    const bool has = sites[i].lon && sites[i].lat && std::isfinite(*sites[i].lon) &&
                     std::isfinite(*sites[i].lat);
    (has ? located : unlocated).push_back(i);
  }

  // Groups as small integers, in order of first appearance (sites come in code order).
  std::map<std::string, int> group_ids;
  for (const TileSite& s : sites) group_ids.emplace(s.group, static_cast<int>(group_ids.size()));

  int located_rows = 0;
  if (!located.empty()) {
    const int n = static_cast<int>(located.size());
    double mean_lat = 0;
    for (size_t i : located) mean_lat += *sites[i].lat;
    mean_lat /= n;
    const double kx = std::cos(mean_lat * std::numbers::pi / 180);
    std::vector<double> x(n), y(n);
    for (int k = 0; k < n; ++k) {
      x[k] = *sites[located[k]].lon * kx;
      y[k] = *sites[located[k]].lat;
    }
    const auto [xmin_it, xmax_it] = std::minmax_element(x.begin(), x.end());
    const auto [ymin_it, ymax_it] = std::minmax_element(y.begin(), y.end());
    const double xmin = *xmin_it, ymax = *ymax_it;
    double width = *xmax_it - xmin, height = ymax - *ymin_it;
    if (width <= 0 && height <= 0) width = height = 1;
    // A degenerate axis (all on one meridian) still needs an extent to divide by.
    if (width <= 0) width = height / 4;
    if (height <= 0) height = width / 4;

    // Blend with ranks, scaled to the same extent, so the grid aspect is unchanged.
    const std::vector<double> rx = Ranks(x), ry = Ranks(y);
    const double denom = n > 1 ? n - 1 : 1;
    const double a = std::clamp(options.rank_blend, 0.0, 1.0);
    for (int k = 0; k < n; ++k) {
      x[k] = (1 - a) * x[k] + a * (xmin + width * rx[k] / denom);
      y[k] = (1 - a) * y[k] + a * (*ymin_it + height * ry[k] / denom);
    }

    const double aspect = std::clamp(width / height, 0.25, 4.0);
    const int cells = std::max(n, static_cast<int>(std::ceil(n * options.cells_per_tile)));
    int cols = std::max(1, static_cast<int>(std::lround(std::sqrt(cells * aspect))));
    cols = std::min(cols, cells);
    int rows = (cells + cols - 1) / cols;

    std::vector<double> tx(n), ty(n);
    std::vector<int> group(n);
    for (int k = 0; k < n; ++k) {
      tx[k] = cols > 1 ? (x[k] - xmin) / width * (cols - 1) : 0;
      ty[k] = rows > 1 ? (ymax - y[k]) / height * (rows - 1) : 0;
      group[k] = group_ids.at(sites[located[k]].group);
    }
    const int m = cols * rows;
    std::vector<std::vector<double>> cost(n, std::vector<double>(m));
    for (int k = 0; k < n; ++k) {
      for (int cell = 0; cell < m; ++cell) {
        const double dx = tx[k] - cell % cols, dy = ty[k] - cell / cols;
        cost[k][cell] = dx * dx + dy * dy;
      }
    }
    const std::vector<int> cell_of = AssignMinCost(cost, m);

    GridSearch search(cols, rows, tx, ty, group, options.group_adjacency_reward);
    for (int k = 0; k < n; ++k) search.Place(k, cell_of[k]);
    search.Improve(/*max_passes=*/50);

    // Drop empty border rows and columns.
    int min_c = cols, max_c = -1, min_r = rows, max_r = -1;
    for (int cell = 0; cell < m; ++cell) {
      if (search.Occupant(cell) < 0) continue;
      min_c = std::min(min_c, cell % cols);
      max_c = std::max(max_c, cell % cols);
      min_r = std::min(min_r, cell / cols);
      max_r = std::max(max_r, cell / cols);
    }
    for (int cell = 0; cell < m; ++cell) {
      const int k = search.Occupant(cell);
      if (k < 0) continue;
      TilePlacement& t = layout.tiles[located[k]];
      t.col = cell % cols - min_c;
      t.row = cell / cols - min_r;
      t.located = true;
    }
    layout.cols = max_c - min_c + 1;
    located_rows = max_r - min_r + 1;
  }

  // The rest in rows by group, below a blank row that separates them from the map.
  const int first = located.empty() ? 0 : located_rows + 1;
  layout.unlocated_first_row = unlocated.empty() ? located_rows : first;
  layout.rows = located_rows;
  if (!unlocated.empty()) {
    // As wide as the map, and wide enough that most cities take one row (up to twice the minimum).
    std::map<int, int> group_sizes;
    for (size_t i : unlocated) ++group_sizes[group_ids.at(sites[i].group)];
    int largest = 0;
    for (const auto& [group, size] : group_sizes) largest = std::max(largest, size);
    const int width = std::max({layout.cols, options.min_unlocated_cols, 1,
                                std::min(largest, 2 * options.min_unlocated_cols)});
    std::vector<size_t> order = unlocated;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return group_ids.at(sites[a].group) < group_ids.at(sites[b].group);
    });
    int row = first, col = 0;
    for (size_t k = 0; k < order.size(); ++k) {
      if (k > 0 && (sites[order[k]].group != sites[order[k - 1]].group || col == width)) {
        ++row;
        col = 0;
      }
      TilePlacement& t = layout.tiles[order[k]];
      t.col = col++;
      t.row = row;
      t.located = false;
      layout.cols = std::max(layout.cols, col);
    }
    layout.rows = row + 1;
  }
  return layout;
}

}  // namespace fugong::render
