// Copyright 2026 The capstan Authors.
//
// Logging: one process-wide spdlog logger writing to stderr, plain text or JSON lines. Never log
// credentials or Secret data: pass what identifies a thing (its key, a URL without userinfo), not its
// content. base::RedactUrl strips userinfo from URLs before they are logged.
//
// Thread safety: all functions are safe to call from any thread.

#ifndef CAPSTAN_BASE_LOG_H_
#define CAPSTAN_BASE_LOG_H_

#include <spdlog/spdlog.h>

#include <string>
#include <string_view>

namespace capstan::base {

enum class LogFormat { kText, kJson };

// Sets the level ("debug", "info", "warn", "error", "off") and format. Default: info, text. May be
// called again to change them.
void InitLogging(std::string_view level, LogFormat format = LogFormat::kText);

// |url| with any "user:password@" removed ("https://***@host/x").
std::string RedactUrl(std::string_view url);

}  // namespace capstan::base

#define CAPSTAN_LOG_DEBUG(...) SPDLOG_DEBUG(__VA_ARGS__)
#define CAPSTAN_LOG_INFO(...) SPDLOG_INFO(__VA_ARGS__)
#define CAPSTAN_LOG_WARN(...) SPDLOG_WARN(__VA_ARGS__)
#define CAPSTAN_LOG_ERROR(...) SPDLOG_ERROR(__VA_ARGS__)

#endif  // CAPSTAN_BASE_LOG_H_
