// Places one square tile per county on a grid so that the grid keeps the map's arrangement.
//
// Tile maps give every county the same area, which is what a daily index per county needs: on a
// real map the dense city districts of Hangzhou or Ningbo would be specks next to Chun'an. The
// layout works in three steps:
//   1. Project lon/lat (equirectangular, x scaled by cos of the mean latitude) and blend each
//      coordinate with its rank, which evens out density: clustered city districts spread out
//      while the overall arrangement stays.
//   2. Assign counties to grid cells by an optimal assignment (Hungarian method) that minimises
//      the sum of squared distances between a county's position and its cell, so no two counties
//      share a cell and none drifts far.
//   3. Improve by swapping cells (local search) with a small reward for tiles of the same group
//      (city) being neighbours, so cities come out as compact blocks.
// Counties without coordinates go below the others in rows, one row (or more) per group.
// Everything is deterministic: the same input gives the same layout.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace fugong::render {

struct TileSite {
  std::string code;
  std::string group;  // tiles of one group are kept together (a county's city)
  std::optional<double> lon;
  std::optional<double> lat;
};

struct TilePlacement {
  std::string code;
  std::string group;
  int col = 0;          // 0 = west
  int row = 0;          // 0 = north
  bool located = true;  // false for the rows of counties without coordinates
};

struct TileLayout {
  int cols = 0;
  int rows = 0;
  // The first row of the counties without coordinates (== rows when there are none).
  int unlocated_first_row = 0;
  std::vector<TilePlacement> tiles;  // in the order of the input sites
};

struct TileLayoutOptions {
  // Grid cells per located county; more leaves room for the shape, fewer packs tighter.
  double cells_per_tile = 1.35;
  // 0 = pure geography, 1 = pure rank order along each axis.
  double rank_blend = 0.5;
  // Reward (in squared cell widths) for each pair of same-group neighbours.
  double group_adjacency_reward = 0.6;
  // At least this many columns for the rows of counties without coordinates (a city with more
  // counties widens the rows, up to twice this).
  int min_unlocated_cols = 8;
};

TileLayout LayoutTiles(const std::vector<TileSite>& sites, const TileLayoutOptions& options = {});

}  // namespace fugong::render
