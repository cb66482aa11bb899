// Copyright 2026 The capstan Authors.

#include "app/sync_window.h"

#include <gtest/gtest.h>

#include "app/auto_sync.h"
#include "app/cron_schedule.h"
#include "app/time_zone.h"

namespace capstan::app {
namespace {

// Unix seconds of a UTC wall time.
int64_t Utc(int64_t y, unsigned mo, unsigned d, int64_t h = 0, int64_t mi = 0, int64_t s = 0) {
  return DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

const TimeZone& Zone(const char* name) {
  static std::map<std::string, std::shared_ptr<const TimeZone>> zones;
  auto& z = zones[name];
  if (!z) z = *TimeZone::Load(name);
  return *z;
}

CronSchedule Cron(const char* spec) {
  auto c = CronSchedule::Parse(spec);
  EXPECT_TRUE(c.ok()) << spec << ": " << c.status().ToString();
  return *c;
}

std::string CronError(const char* spec) {
  auto c = CronSchedule::Parse(spec);
  return c.ok() ? "" : c.status().message();
}

TEST(CronScheduleTest, RobfigParseErrors) {
  EXPECT_EQ(CronError("61 * * * *"), "end of range (61) above maximum (59): 61");
  EXPECT_EQ(CronError("* * 0 * *"), "beginning of range (0) below minimum (1): 0");
  EXPECT_EQ(CronError("5-2 * * * *"), "beginning of range (5) beyond end of range (2): 5-2");
  EXPECT_EQ(CronError("*/0 * * * *"), "step of range should be a positive number: */0");
  EXPECT_EQ(CronError("1-2-3 * * * *"), "too many hyphens: 1-2-3");
  EXPECT_EQ(CronError("* * * *"), "expected exactly 5 fields, found 4: [* * * *]");
  EXPECT_EQ(CronError("0 0 0 * * *"), "expected exactly 5 fields, found 6: [0 0 0 * * *]");
  EXPECT_EQ(CronError("@daily"), "parser does not accept descriptors: @daily");
  EXPECT_EQ(CronError(""), "empty spec string");
  EXPECT_EQ(CronError("x * * * *"), "failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax");
  EXPECT_EQ(CronError("* * * * 7"), "end of range (7) above maximum (6): 7");
  EXPECT_EQ(CronError("0 22 * JAN-mar Mon,FRI"), "");
  EXPECT_EQ(CronError("? * * * ?"), "");
}

TEST(CronScheduleTest, NextTicksStrictlyAfter) {
  const TimeZone& utc = Zone("UTC");
  EXPECT_EQ(Cron("0 2 * * *").Next(Utc(2026, 11, 27, 10), utc), Utc(2026, 11, 28, 2));
  EXPECT_EQ(Cron("0 2 * * *").Next(Utc(2026, 11, 27, 2), utc), Utc(2026, 11, 28, 2));
  EXPECT_EQ(Cron("* * * * *").Next(Utc(2026, 11, 27, 10, 0, 30), utc), Utc(2026, 11, 27, 10, 1));
  EXPECT_EQ(Cron("*/15 9-17 * * *").Next(Utc(2026, 11, 27, 17, 50), utc), Utc(2026, 11, 28, 9, 0));
  EXPECT_EQ(Cron("5/20 * * * *").Next(Utc(2026, 11, 27, 10, 26), utc), Utc(2026, 11, 27, 10, 45));
  EXPECT_EQ(Cron("0 0 1 jan *").Next(Utc(2026, 11, 27), utc), Utc(2027, 1, 1));
  EXPECT_EQ(Cron("0 0 29 2 *").Next(Utc(2026, 11, 27), utc), Utc(2028, 2, 29));
  EXPECT_EQ(Cron("0 0 30 2 *").Next(Utc(2026, 11, 27), utc), std::nullopt);
}

TEST(CronScheduleTest, DayOfMonthAndWeekAreOredOnlyWhenBothRestricted) {
  const TimeZone& utc = Zone("UTC");
  // 2026-11-27 is a Friday. "13th or Friday": the next is Friday 2026-12-04; "every Monday": 11-30.
  EXPECT_EQ(Cron("0 0 13 * 5").Next(Utc(2026, 11, 27, 1), utc), Utc(2026, 12, 4));
  EXPECT_EQ(Cron("0 0 13 * 1").Next(Utc(2026, 12, 1), utc), Utc(2026, 12, 7));
  EXPECT_EQ(Cron("0 0 * * 1").Next(Utc(2026, 11, 27), utc), Utc(2026, 11, 30));
  EXPECT_EQ(Cron("0 0 ? * MON").Next(Utc(2026, 11, 27), utc), Utc(2026, 11, 30));
  // A stepped `*/2` counts as restricted: odd days OR Mondays.
  EXPECT_EQ(Cron("0 0 */2 * 1").Next(Utc(2026, 11, 29, 1), utc), Utc(2026, 11, 30));
}

TEST(TimeZoneTest, OffsetsFromTzdata) {
  const TimeZone& ams = Zone("Europe/Amsterdam");
  EXPECT_EQ(ams.OffsetAt(Utc(2026, 1, 15)), 3600);
  EXPECT_EQ(ams.OffsetAt(Utc(2026, 7, 15)), 7200);
  // DST starts 2026-03-29 01:00 UTC.
  EXPECT_EQ(ams.OffsetAt(Utc(2026, 3, 29, 0, 59, 59)), 3600);
  EXPECT_EQ(ams.OffsetAt(Utc(2026, 3, 29, 1)), 7200);
  // Past the table of the file: the footer's POSIX rule.
  EXPECT_EQ(ams.OffsetAt(Utc(2061, 7, 15)), 7200);
  EXPECT_EQ(ams.OffsetAt(Utc(2061, 12, 15)), 3600);
  const TimeZone& ny = Zone("America/New_York");
  EXPECT_EQ(ny.OffsetAt(Utc(2026, 1, 15)), -5 * 3600);
  EXPECT_EQ(ny.OffsetAt(Utc(2026, 7, 15)), -4 * 3600);
  EXPECT_EQ(Zone("UTC").OffsetAt(Utc(2026, 7, 15)), 0);
  EXPECT_EQ(Zone("Asia/Kolkata").OffsetAt(Utc(2026, 7, 15)), 19800);
  // Wall times: 02:30 on 2026-03-29 does not exist in Amsterdam (past the jump: 01:30 UTC = 03:30);
  // 02:30 on 2026-10-25 happens twice (the first: 00:30 UTC).
  EXPECT_EQ(ams.ToUnix(Utc(2026, 3, 29, 2, 30)), Utc(2026, 3, 29, 1, 30));
  EXPECT_EQ(ams.ToUnix(Utc(2026, 10, 25, 2, 30)), Utc(2026, 10, 25, 0, 30));
  EXPECT_EQ(ams.ToUnix(Utc(2026, 7, 1, 12)), Utc(2026, 7, 1, 10));
}

TEST(TimeZoneTest, UnknownZones) {
  EXPECT_EQ(TimeZone::Load("Mars/Olympus").status().message(), "unknown time zone Mars/Olympus");
  EXPECT_FALSE(TimeZone::Load("../../etc/passwd").ok());
  EXPECT_FALSE(TimeZone::Load("/etc/passwd").ok());
  EXPECT_FALSE(TimeZone::FromTzif("x", "not a tzif file at all, not at all, no no no").ok());
}

TEST(CronScheduleTest, TicksOnTheZonesWallClock) {
  // 22:00 in Amsterdam is 21:00 UTC in winter and 20:00 UTC in summer.
  EXPECT_EQ(Cron("0 22 * * *").Next(Utc(2026, 1, 15), Zone("Europe/Amsterdam")), Utc(2026, 1, 15, 21));
  EXPECT_EQ(Cron("0 22 * * *").Next(Utc(2026, 7, 15), Zone("Europe/Amsterdam")), Utc(2026, 7, 15, 20));
  // Friday 17:00 New York → 22:00 UTC in winter.
  EXPECT_EQ(Cron("0 17 * * 5").Next(Utc(2026, 11, 27), Zone("America/New_York")), Utc(2026, 11, 27, 22));
}

TEST(GoDurationTest, GoSyntaxAndMessages) {
  EXPECT_EQ(*ParseGoDuration("1h"), 3600);
  EXPECT_EQ(*ParseGoDuration("1h30m"), 5400);
  EXPECT_EQ(*ParseGoDuration("1.5h"), 5400);
  EXPECT_EQ(*ParseGoDuration("90s"), 90);
  EXPECT_EQ(*ParseGoDuration("0"), 0);
  EXPECT_EQ(*ParseGoDuration("1500ms"), 2);
  EXPECT_EQ(*ParseGoDuration("-1h"), -3600);
  EXPECT_EQ(ParseGoDuration("30").status().message(), "time: missing unit in duration \"30\"");
  EXPECT_EQ(ParseGoDuration("1x").status().message(), "time: unknown unit \"x\" in duration \"1x\"");
  EXPECT_EQ(ParseGoDuration("").status().message(), "time: invalid duration \"\"");
  EXPECT_EQ(ParseGoDuration("h").status().message(), "time: invalid duration \"h\"");
}

base::Json Project(const base::Json& windows) {
  return {{"metadata", {{"name", "proj"}}}, {"spec", {{"syncWindows", windows}}}};
}

base::Json App(const std::string& name = "guestbook", const std::string& ns = "prod",
               const std::string& server = "https://kubernetes.default.svc") {
  return {{"metadata", {{"name", name}, {"namespace", "capstan"}}},
          {"spec", {{"project", "proj"}, {"destination", {{"server", server}, {"namespace", ns}}}}}};
}

AppSyncWindows For(const base::Json& windows, const base::Json& app = App()) {
  return MatchSyncWindows("proj", ParseSyncWindows(Project(windows)), app);
}

TEST(SyncWindowTest, ErrorsNameTheProjectAndTheField) {
  auto ws = ParseSyncWindows(Project(base::Json::parse(R"([
    {"kind": "deny", "schedule": "0 2 * * *", "duration": "1h", "applications": ["*"]},
    {"kind": "block", "schedule": "0 2 * * *", "duration": "1h"},
    {"kind": "deny", "schedule": "61 2 * * *", "duration": "1h"},
    {"kind": "allow", "schedule": "0 2 * * *", "duration": "1x"},
    {"kind": "allow", "schedule": "0 2 * * *", "duration": "1h", "timeZone": "Mars/Olympus"}])")));
  ASSERT_EQ(ws.size(), 5u);
  EXPECT_EQ(ws[0].error, "");
  EXPECT_EQ(ws[1].error, "AppProject proj: spec.syncWindows[1].kind: kind 'block' mismatch: can only be allow or deny");
  EXPECT_EQ(
      ws[2].error,
      "AppProject proj: spec.syncWindows[2].schedule: cannot parse schedule '61 2 * * *': end of range (61) above "
      "maximum (59): 61");
  EXPECT_EQ(ws[3].error,
            "AppProject proj: spec.syncWindows[3].duration: cannot parse duration '1x': time: unknown unit \"x\" in "
            "duration \"1x\"");
  EXPECT_EQ(ws[4].error, "AppProject proj: spec.syncWindows[4].timeZone: unknown time zone Mars/Olympus");
}

TEST(SyncWindowTest, MatchingByApplicationClusterOrNamespace) {
  const base::Json windows = base::Json::parse(R"([
    {"kind": "deny", "schedule": "0 2 * * *", "duration": "1h", "applications": ["guest*"]},
    {"kind": "deny", "schedule": "0 3 * * *", "duration": "1h", "clusters": ["in-cluster"]},
    {"kind": "deny", "schedule": "0 4 * * *", "duration": "1h", "clusters": ["https://kubernetes.*"]},
    {"kind": "deny", "schedule": "0 5 * * *", "duration": "1h", "namespaces": ["prod", "stag*"]},
    {"kind": "deny", "schedule": "0 6 * * *", "duration": "1h"}])");
  EXPECT_EQ(For(windows).Assigned(), "deny:0 2 * * *:1h,deny:0 4 * * *:1h,deny:0 5 * * *:1h");
  EXPECT_EQ(For(windows, App("other", "dev", "https://remote")).Assigned(), "");
  base::Json named = App("other", "staging", "");
  named["spec"]["destination"] = {{"name", "in-cluster"}, {"namespace", "staging"}};
  EXPECT_EQ(For(windows, named).Assigned(), "deny:0 3 * * *:1h,deny:0 5 * * *:1h");
}

TEST(SyncWindowTest, ActiveFromTheTickForTheDuration) {
  auto w =
      For(base::Json::parse(R"([{"kind": "deny", "schedule": "0 2 * * *", "duration": "1h", "applications": ["*"]}])"));
  ASSERT_EQ(w.matching.size(), 1u);
  const SyncWindow& d = w.matching[0];
  EXPECT_FALSE(d.Active(Utc(2026, 11, 27, 1, 59, 59)));
  EXPECT_TRUE(d.Active(Utc(2026, 11, 27, 2)));
  EXPECT_TRUE(d.Active(Utc(2026, 11, 27, 2, 59, 59)));
  EXPECT_FALSE(d.Active(Utc(2026, 11, 27, 3)));
  EXPECT_EQ(d.NextFlip(Utc(2026, 11, 27, 2, 30)), Utc(2026, 11, 27, 3));
  EXPECT_EQ(d.NextFlip(Utc(2026, 11, 27, 3)), Utc(2026, 11, 28, 2));
  // In a zone: 22:00 Amsterdam for 1h is 21:00-22:00 UTC in winter.
  auto z = For(base::Json::parse(
      R"([{"kind": "deny", "schedule": "0 22 * * *", "duration": "1h", "timeZone": "Europe/Amsterdam", "applications": ["*"]}])"));
  EXPECT_TRUE(z.matching[0].Active(Utc(2026, 11, 27, 21, 30)));
  EXPECT_FALSE(z.matching[0].Active(Utc(2026, 11, 27, 22, 30)));
}

TEST(SyncWindowTest, DenyWinsAndManualSyncLetsManualSyncsThrough) {
  const int64_t at = Utc(2026, 11, 27, 2, 30);  // deny (02:00, 1h) and allow (01:00, 2h) both active
  auto both = For(base::Json::parse(R"([
    {"kind": "allow", "schedule": "0 1 * * *", "duration": "2h", "applications": ["*"]},
    {"kind": "deny", "schedule": "0 2 * * *", "duration": "1h", "applications": ["*"]}])"));
  EXPECT_FALSE(both.CanSync(at, false));
  EXPECT_FALSE(both.CanSync(at, true));
  EXPECT_EQ(both.Status(at), "Sync Denied");
  EXPECT_TRUE(both.CanSync(Utc(2026, 11, 27, 1, 30), false));
  EXPECT_EQ(both.Status(Utc(2026, 11, 27, 1, 30)), "Sync Allowed");

  auto manual = For(base::Json::parse(R"([
    {"kind": "deny", "schedule": "0 2 * * *", "duration": "1h", "applications": ["*"], "manualSync": true}])"));
  EXPECT_FALSE(manual.CanSync(at, false));
  EXPECT_TRUE(manual.CanSync(at, true));
  EXPECT_EQ(manual.Status(at), "Manual Allowed");
  EXPECT_TRUE(manual.CanSync(Utc(2026, 11, 27, 4), false));

  // Every active deny window must allow manual syncs.
  auto mixed = For(base::Json::parse(R"([
    {"kind": "deny", "schedule": "0 2 * * *", "duration": "1h", "applications": ["*"], "manualSync": true},
    {"kind": "deny", "schedule": "0 * * * *", "duration": "1h", "namespaces": ["prod"]}])"));
  EXPECT_FALSE(mixed.CanSync(at, true));
}

TEST(SyncWindowTest, AllowWindowsBlockOutsideThem) {
  auto allow = For(base::Json::parse(R"([
    {"kind": "allow", "schedule": "0 9 * * 1-5", "duration": "8h", "applications": ["*"]},
    {"kind": "allow", "schedule": "0 22 * * *", "duration": "1h", "namespaces": ["dev"]}])"));
  EXPECT_TRUE(allow.CanSync(Utc(2026, 11, 27, 10), false));   // Friday 10:00
  EXPECT_FALSE(allow.CanSync(Utc(2026, 11, 28, 10), false));  // Saturday
  EXPECT_FALSE(allow.CanSync(Utc(2026, 11, 28, 10), true));
  EXPECT_EQ(allow.Status(Utc(2026, 11, 28, 10)), "Sync Denied");
  EXPECT_EQ(allow.NextChange(Utc(2026, 11, 28, 10), false), Utc(2026, 11, 30, 9));
  EXPECT_EQ(allow.NextChange(Utc(2026, 11, 27, 10), false), Utc(2026, 11, 27, 17));
  // No window matching: always allowed, nothing ever changes.
  auto none =
      For(base::Json::parse(R"([{"kind": "deny", "schedule": "* * * * *", "duration": "1h", "namespaces": ["x"]}])"));
  EXPECT_TRUE(none.CanSync(Utc(2026, 11, 27), false));
  EXPECT_EQ(none.NextChange(Utc(2026, 11, 27), false), std::nullopt);
  EXPECT_EQ(none.Status(Utc(2026, 11, 27)), "Sync Allowed");
}

TEST(SyncWindowTest, NextChangeIsTheEndOfTheDenyRun) {
  // Two overlapping deny windows: the verdict changes only when the later one ends.
  auto w = For(base::Json::parse(R"([
    {"kind": "deny", "schedule": "0 2 * * *", "duration": "1h", "applications": ["*"]},
    {"kind": "deny", "schedule": "30 2 * * *", "duration": "1h", "applications": ["*"]}])"));
  EXPECT_EQ(w.NextChange(Utc(2026, 11, 27, 2, 10), false), Utc(2026, 11, 27, 3, 30));
  // `* * * * *` for 1m never closes.
  auto always =
      For(base::Json::parse(R"([{"kind": "deny", "schedule": "* * * * *", "duration": "1m", "applications": ["*"]}])"));
  EXPECT_FALSE(always.CanSync(Utc(2026, 11, 27, 2, 10), false));
  EXPECT_FALSE(always.CanSync(Utc(2026, 11, 27, 2, 10, 0), false));
  EXPECT_EQ(always.NextChange(Utc(2026, 11, 27, 2, 10), false), std::nullopt);
}

TEST(SyncWindowTest, ABrokenMatchingWindowBlocksEverySync) {
  auto w = For(base::Json::parse(R"([
    {"kind": "deny", "schedule": "0 25 * * *", "duration": "1h", "applications": ["guestbook"]},
    {"kind": "deny", "schedule": "bad", "duration": "1h", "applications": ["other"]}])"));
  EXPECT_FALSE(w.CanSync(Utc(2026, 11, 27), true));
  EXPECT_EQ(
      w.error,
      "AppProject proj: spec.syncWindows[0].schedule: cannot parse schedule '0 25 * * *': end of range (25) above "
      "maximum (23): 25");
  EXPECT_EQ(w.Status(Utc(2026, 11, 27)), "Sync Denied");
}

base::Json AutoApp() {
  base::Json app = App();
  app["spec"]["source"] = {{"repoURL", "https://git.example/r.git"}, {"path", "p"}};
  app["spec"]["syncPolicy"] = {{"automated", base::Json::object()}};
  app["status"] = {{"sync", {{"status", "OutOfSync"}, {"revision", "new"}}},
                   {"resources", {{{"kind", "ConfigMap"}, {"name", "a"}, {"status", "OutOfSync"}}}}};
  return app;
}

TEST(SyncWindowTest, AutoSyncWaitsUntilTheDenyWindowCloses) {
  const base::Json app = AutoApp();
  auto deny =
      For(base::Json::parse(R"([{"kind": "deny", "schedule": "0 2 * * *", "duration": "1h", "applications": ["*"],
                                          "manualSync": true}])"),
          app);
  const int64_t at = Utc(2026, 11, 27, 2, 40);
  const SyncWindowsLoader deny_windows = [&] { return deny; };
  AutoSyncDecision d = DecideAutoSync(app, at, SelfHealBackoff{}, deny_windows);
  EXPECT_EQ(d.kind, AutoSyncDecision::Kind::kWait);
  EXPECT_EQ(d.wait_seconds, 20 * 60);
  EXPECT_EQ(d.reason, "Sync prevented by sync window; looking again in 1200s");
  // When it has closed, the sync is requested.
  EXPECT_EQ(DecideAutoSync(app, Utc(2026, 11, 27, 3), SelfHealBackoff{}, deny_windows).kind,
            AutoSyncDecision::Kind::kSync);
  // Nothing to sync: the window changes nothing.
  base::Json synced = app;
  synced["status"]["sync"]["status"] = "Synced";
  EXPECT_EQ(DecideAutoSync(synced, at, SelfHealBackoff{}, deny_windows).kind, AutoSyncDecision::Kind::kNone);
  // A long window: look again within the hour.
  auto weekend =
      For(base::Json::parse(R"([{"kind": "deny", "schedule": "0 0 * * 6", "duration": "48h", "applications": ["*"]}])"),
          app);
  EXPECT_EQ(DecideAutoSync(app, Utc(2026, 11, 28, 10), SelfHealBackoff{}, [&] { return weekend; }).wait_seconds, 3600);
  // A broken window is a SyncError the controller clears once it is fixed.
  auto broken =
      For(base::Json::parse(R"([{"kind": "deny", "schedule": "0 2 * * *", "duration": "1y", "applications": ["*"]}])"),
          app);
  AutoSyncDecision b = DecideAutoSync(app, at, SelfHealBackoff{}, [&] { return broken; });
  EXPECT_EQ(b.kind, AutoSyncDecision::Kind::kCondition);
  EXPECT_EQ(b.message,
            "Sync prevented by sync window: AppProject proj: spec.syncWindows[0].duration: cannot parse duration '1y': "
            "time: unknown unit \"y\" in duration \"1y\"");
  EXPECT_TRUE(IsAutoSyncMessage(b.message));
}

}  // namespace
}  // namespace capstan::app
