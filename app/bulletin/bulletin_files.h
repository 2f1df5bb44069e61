// Where a bulletin is written: DIR/bulletin-DATE.html and, printed from it, DIR/bulletin-DATE.pdf.
#pragma once

#include <optional>
#include <string>

#include "app/bulletin/pdf_printer.h"
#include "engine/common/date.h"
#include "engine/common/status.h"

namespace fugong {

struct BulletinFiles {
  std::string html, pdf;  // the paths written; empty: not written
};

// Creates `out_dir` if needed and writes the page; then prints it to PDF unless `print` is
// empty. The page is written even when printing fails (the error then says why).
Status WriteBulletinFiles(const std::string& page, Day day, const std::string& out_dir,
                          const std::optional<PdfPrintOptions>& print, BulletinFiles* written);

}  // namespace fugong
