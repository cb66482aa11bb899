// Copyright 2026 The capstan Authors.

#include "base/metrics.h"

#include <fmt/format.h>

#include <cmath>
#include <utility>

namespace capstan::base {
namespace {

// A sample value: integers without a fraction, others in their shortest exact form, ±Inf, NaN.
std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}

std::string EscapeHelp(std::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void Header(std::string& out, const std::string& name, const std::string& help, std::string_view type) {
  out += "# HELP " + name + " " + EscapeHelp(help) + "\n";
  out += "# TYPE " + name + " " + std::string(type) + "\n";
}

// `{a="x",b="y"}` (with |extra| appended, e.g. le="0.5"), or "" when there is no label at all.
std::string LabelSet(const std::vector<std::string>& names, const LabelValues& values, std::string_view extra = {}) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (!out.empty()) out += ',';
    out += names[i] + "=\"" + EscapeLabelValue(i < values.size() ? values[i] : "") + "\"";
  }
  if (!extra.empty()) {
    if (!out.empty()) out += ',';
    out += extra;
  }
  return out.empty() ? out : "{" + out + "}";
}

// |labels| cut or padded to |n| values, so one tuple has one sample.
LabelValues Fit(const LabelValues& labels, size_t n) {
  LabelValues out(labels.begin(), labels.begin() + static_cast<std::ptrdiff_t>(std::min(n, labels.size())));
  out.resize(n);
  return out;
}

}  // namespace

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

Counter::Counter(std::string name, std::string help, std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {}

void Counter::Inc(const LabelValues& labels, double delta) {
  if (!(delta >= 0)) return;
  std::lock_guard<std::mutex> lock(mu_);
  values_[Fit(labels, label_names_.size())] += delta;
}

double Counter::Value(const LabelValues& labels) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = values_.find(Fit(labels, label_names_.size()));
  return it == values_.end() ? 0 : it->second;
}

void Counter::Render(std::string& out) const {
  Header(out, name_, help_, "counter");
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [labels, value] : values_) {
    out += name_ + LabelSet(label_names_, labels) + " " + FormatValue(value) + "\n";
  }
}

Histogram::Histogram(std::string name, std::string help, std::vector<std::string> label_names,
                     std::vector<double> bounds)
    : name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)),
      bounds_(std::move(bounds)) {}

void Histogram::Observe(double value, const LabelValues& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  Sample& s = samples_[Fit(labels, label_names_.size())];
  if (s.buckets.empty()) s.buckets.assign(bounds_.size(), 0);
  for (size_t i = 0; i < bounds_.size(); ++i) {
    if (value <= bounds_[i]) {
      ++s.buckets[i];
      break;
    }
  }
  s.sum += value;
  ++s.count;
}

uint64_t Histogram::Count(const LabelValues& labels) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = samples_.find(Fit(labels, label_names_.size()));
  return it == samples_.end() ? 0 : it->second.count;
}

void Histogram::Render(std::string& out) const {
  Header(out, name_, help_, "histogram");
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [labels, s] : samples_) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i < bounds_.size(); ++i) {
      cumulative += s.buckets[i];
      out += name_ + "_bucket" + LabelSet(label_names_, labels, "le=\"" + FormatValue(bounds_[i]) + "\"") + " " +
             std::to_string(cumulative) + "\n";
    }
    out += name_ + "_bucket" + LabelSet(label_names_, labels, "le=\"+Inf\"") + " " + std::to_string(s.count) + "\n";
    out += name_ + "_sum" + LabelSet(label_names_, labels) + " " + FormatValue(s.sum) + "\n";
    out += name_ + "_count" + LabelSet(label_names_, labels) + " " + std::to_string(s.count) + "\n";
  }
}

Counter& Metrics::AddCounter(const std::string& name, const std::string& help, std::vector<std::string> label_names) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = counters_[name];
  if (!slot) slot = std::make_unique<Counter>(name, help, std::move(label_names));
  return *slot;
}

Histogram& Metrics::AddHistogram(const std::string& name, const std::string& help,
                                 std::vector<std::string> label_names, std::vector<double> bounds) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = histograms_[name];
  if (!slot) slot = std::make_unique<Histogram>(name, help, std::move(label_names), std::move(bounds));
  return *slot;
}

void Metrics::SetGauge(const std::string& name, const std::string& help, std::vector<std::string> label_names,
                       std::function<std::vector<GaugeSample>()> read) {
  std::lock_guard<std::mutex> lock(mu_);
  gauges_[name] = Gauge{help, std::move(label_names), std::move(read)};
}

void Metrics::SetGauge(const std::string& name, const std::string& help, std::function<double()> read) {
  SetGauge(name, help, {}, [read = std::move(read)] { return std::vector<GaugeSample>{{{}, read()}}; });
}

void Metrics::RemoveGauge(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  gauges_.erase(name);
}

std::string Metrics::Render() const {
  std::lock_guard<std::mutex> lock(mu_);
  // One ordered walk over the three kinds of family, by name.
  std::map<std::string, std::function<void(std::string&)>> families;
  for (const auto& [name, c] : counters_) families[name] = [&c = *c](std::string& out) { c.Render(out); };
  for (const auto& [name, h] : histograms_) families[name] = [&h = *h](std::string& out) { h.Render(out); };
  for (const auto& [name, g] : gauges_) {
    families[name] = [&name = name, &g = g](std::string& out) {
      Header(out, name, g.help, "gauge");
      for (const GaugeSample& s : g.read()) {
        out += name + LabelSet(g.label_names, Fit(s.labels, g.label_names.size())) + " " + FormatValue(s.value) + "\n";
      }
    };
  }
  std::string out;
  for (const auto& [name, render] : families) render(out);
  return out;
}

Metrics& DefaultMetrics() {
  static Metrics* metrics = new Metrics();
  return *metrics;
}

}  // namespace capstan::base
