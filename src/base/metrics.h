// Copyright 2026 The capstan Authors.
//
// Metrics: counters, histograms and callback gauges, rendered in Prometheus' text exposition format
// 0.0.4 (`# HELP`, `# TYPE`, one line a sample, label values escaped: `\` → `\\`, `"` → `\"`, newline
// → `\n`). No Prometheus library is packaged (DEPENDENCIES.md), so this is the whole of it. A family
// is registered once under its name with its label names; its samples are created on first use of a
// label-value tuple. Gauges hold no value: a callback reads it at scrape time (a queue's depth, a
// cache's size), so the owner of the figure does not push it anywhere.
//
// DefaultMetrics() is the process-wide registry, so low modules (kube's transport, app's controller)
// count without plumbing; `capstan controller` serves it on /metrics (cli/metrics_server.h).
//
// Thread safety: every method is safe from any thread. Counter::Inc and Histogram::Observe take a
// short per-family lock; a gauge callback runs during Render, under the registry's lock, so it must
// not call back into the registry.

#ifndef CAPSTAN_BASE_METRICS_H_
#define CAPSTAN_BASE_METRICS_H_

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace capstan::base {

using LabelValues = std::vector<std::string>;

// A counter family: monotonically growing values, one per label-value tuple.
class Counter {
 public:
  Counter(std::string name, std::string help, std::vector<std::string> label_names);

  // Adds |delta| (>= 0) to the sample of |labels|, which has one value per label name (extra values
  // are dropped, missing ones are "").
  void Inc(const LabelValues& labels = {}, double delta = 1);
  // The current value of |labels|' sample; 0 when it was never counted.
  double Value(const LabelValues& labels = {}) const;

  void Render(std::string& out) const;

 private:
  const std::string name_, help_;
  const std::vector<std::string> label_names_;
  mutable std::mutex mu_;
  std::map<LabelValues, double> values_;  // guarded by mu_
};

// A histogram family: cumulative buckets (upper bounds, ascending; +Inf implied), sum and count.
class Histogram {
 public:
  Histogram(std::string name, std::string help, std::vector<std::string> label_names, std::vector<double> bounds);

  void Observe(double value, const LabelValues& labels = {});
  // Observations of |labels|' sample so far.
  uint64_t Count(const LabelValues& labels = {}) const;

  void Render(std::string& out) const;

 private:
  struct Sample {
    std::vector<uint64_t> buckets;  // per bound, not cumulative; +Inf is count
    double sum = 0;
    uint64_t count = 0;
  };
  const std::string name_, help_;
  const std::vector<std::string> label_names_;
  const std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::map<LabelValues, Sample> samples_;  // guarded by mu_
};

// One sample of a gauge callback.
struct GaugeSample {
  LabelValues labels;
  double value = 0;
};

class Metrics {
 public:
  // The family named |name|, created on first call; later calls return the same family (their help
  // and label names are ignored). REQUIRES: |name| and each label name match [a-zA-Z_:][a-zA-Z0-9_:]*
  // and |name| is not used by a family of another type.
  Counter& AddCounter(const std::string& name, const std::string& help, std::vector<std::string> label_names = {});
  Histogram& AddHistogram(const std::string& name, const std::string& help, std::vector<std::string> label_names,
                          std::vector<double> bounds);

  // Registers (or replaces) the gauge |name|, whose samples |read| returns at each Render.
  void SetGauge(const std::string& name, const std::string& help, std::vector<std::string> label_names,
                std::function<std::vector<GaugeSample>()> read);
  // A gauge of one unlabelled sample.
  void SetGauge(const std::string& name, const std::string& help, std::function<double()> read);
  // Removes the gauge |name| (its callback is not called again once this returns).
  void RemoveGauge(const std::string& name);

  // Every family, sorted by name, in the text exposition format 0.0.4.
  std::string Render() const;

 private:
  struct Gauge {
    std::string help;
    std::vector<std::string> label_names;
    std::function<std::vector<GaugeSample>()> read;
  };
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Counter>> counters_;      // guarded by mu_
  std::map<std::string, std::unique_ptr<Histogram>> histograms_;  // guarded by mu_
  std::map<std::string, Gauge> gauges_;                           // guarded by mu_
};

// The process-wide registry (never destroyed).
Metrics& DefaultMetrics();

// The Content-Type of Render's text.
inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

// |value| escaped as a label value of the text format.
std::string EscapeLabelValue(std::string_view value);

}  // namespace capstan::base

#endif  // CAPSTAN_BASE_METRICS_H_
