// A small province of two cities and six counties for tests that draw or print regions: one
// county's name holds every character markup must escape (& < > " '), and the table has pinyin
// names and coordinates, so tile maps and labels can be checked by hand.
#pragma once

#include <gtest/gtest.h>

#include "engine/reference/region_table.h"

namespace fugong::testing {

inline constexpr char kTestRegionsCsv[] =
    "code,name,parent,name_pinyin,lon,lat\n"
    "990000,测试省,,Ceshi,101.0,30.0\n"
    "990100,甲市,990000,Jia,100.5,30.5\n"
    "990101,西城区,990100,Xicheng,100.0,30.6\n"
    "990102,北山县,990100,Beishan,100.6,31.0\n"
    "990103,\"Q&A<\"\"区\"\">'s\",990100,Q&A,100.4,30.2\n"
    "990200,乙市,990000,Yi,102.0,30.0\n"
    "990201,东港区,990200,Donggang,102.5,30.0\n"
    "990202,南湖县,990200,Nanhu,101.8,29.4\n"
    "990203,中市,990200,Zhong,101.5,29.9\n";

inline RegionTable TestRegions() {
  Result<RegionTable> t = RegionTable::Parse(kTestRegionsCsv, "test regions");
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return std::move(t).value();
}

}  // namespace fugong::testing
