// Copyright 2026 The capstan Authors.

#include "base/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace capstan::base {

void InitLogging(std::string_view level, LogFormat format) {
  // Called again (a command raising the level): keep the logger, change the level and format.
  auto logger = spdlog::get("capstan");
  if (logger == nullptr) logger = spdlog::stderr_color_mt("capstan");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(std::string(level)));
  if (format == LogFormat::kJson) {
    spdlog::set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","msg":"%v"})", spdlog::pattern_time_type::utc);
  } else {
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  }
}

std::string RedactUrl(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  size_t host_start = scheme + 3;
  size_t path = url.find('/', host_start);
  size_t at = url.rfind('@', path == std::string_view::npos ? url.npos : path);
  if (at == std::string_view::npos || at < host_start) return std::string(url);
  return std::string(url.substr(0, host_start)) + "***" + std::string(url.substr(at));
}

}  // namespace capstan::base
