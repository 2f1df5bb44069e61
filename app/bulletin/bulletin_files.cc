#include "app/bulletin/bulletin_files.h"

#include <filesystem>
#include <fstream>

namespace fugong {

Status WriteBulletinFiles(const std::string& page, Day day, const std::string& out_dir,
                          const std::optional<PdfPrintOptions>& print, BulletinFiles* written) {
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) return Status::IOError("cannot create " + out_dir + ": " + ec.message());
  const std::string base = out_dir + "/bulletin-" + FormatDate(day);
  *written = {};
  {
    std::ofstream out(base + ".html", std::ios::binary | std::ios::trunc);
    out << page;
    out.close();
    if (!out) return Status::IOError("cannot write " + base + ".html");
  }
  written->html = base + ".html";
  if (!print) return Status::OK();
  FUGONG_RETURN_IF_ERROR(PrintHtmlToPdf(written->html, base + ".pdf", *print));
  written->pdf = base + ".pdf";
  return Status::OK();
}

}  // namespace fugong
