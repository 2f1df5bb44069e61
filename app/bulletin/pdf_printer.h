// Prints an HTML file to PDF with headless Chromium (Debian's `chromium`), the way an official
// would print the bulletin from a browser: the page's own @page rules set the paper and margins,
// and Chromium adds no header or footer of its own.
#pragma once

#include <chrono>
#include <string>

#include "engine/common/status.h"

namespace fugong {

struct PdfPrintOptions {
  // The Chromium binary: $FUGONG_CHROMIUM if set, else /usr/bin/chromium (DefaultChromium()).
  std::string chromium;
  // A print that takes longer is stopped (Chromium and its helpers), and is an error.
  std::chrono::seconds timeout{120};
};

std::string DefaultChromium();

// The file:// URL of an absolute path, percent-encoded, so that a directory named "print #1"
// or "100%" is the file it names and not a fragment or an escape.
std::string FileUrlOf(const std::string& absolute_path);

// Writes `pdf_path` from `html_path` (both paths on this machine). IOError with Chromium's last
// output lines when it is missing, fails, times out or writes no PDF.
Status PrintHtmlToPdf(const std::string& html_path, const std::string& pdf_path,
                      const PdfPrintOptions& options);

}  // namespace fugong
