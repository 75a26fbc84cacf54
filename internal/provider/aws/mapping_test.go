package aws

import (
	"testing"
	"time"

	"github.com/watchfire-status/watchfire"
)

func TestLevelTable(t *testing.T) {
	for code, want := range map[string]struct {
		impact watchfire.Impact
		status watchfire.ComponentStatus
	}{
		"0":  {watchfire.ImpactNone, watchfire.StatusOperational},
		"1":  {watchfire.ImpactMinor, watchfire.StatusDegradedPerformance},
		"2":  {watchfire.ImpactMajor, watchfire.StatusPartialOutage},
		" 3": {watchfire.ImpactCritical, watchfire.StatusMajorOutage},
		"7":  {watchfire.ImpactMajor, watchfire.StatusPartialOutage}, // unknown: a degradation
	} {
		l := levelOf(code)
		if l.impact != want.impact || l.status != want.status {
			t.Errorf("levelOf(%q) = %+v, want %+v", code, l, want)
		}
	}
	if !resolved("0") || resolved("1") || updateStatus("0") != "resolved" || updateStatus("3") != "investigating" {
		t.Error("resolved/updateStatus")
	}
}

func TestRegionOf(t *testing.T) {
	for key, want := range map[string]string{
		"ec2-us-east-1":                "us-east-1",
		"acm-pca-me-central-1":         "me-central-1",
		"directconnect-ap-northeast-1": "ap-northeast-1",
		"ec2-us-gov-west-1":            "us-gov-west-1",
		"s3-us-isob-east-1":            "us-isob-east-1",
		"cloudfront":                   "",
		"route53":                      "",
		"management-console":           "",
		"multipleservices-me-south-1":  "me-south-1",
	} {
		if got := regionOf(key); got != want {
			t.Errorf("regionOf(%q) = %q, want %q", key, got, want)
		}
	}
	if got := arnRegion("arn:aws:health:me-central-1::event/MULTIPLE_SERVICES/X/Y"); got != "me-central-1" {
		t.Errorf("arnRegion = %q", got)
	}
	if got := arnRegion("arn:aws:health:global::event/IAM/X/Y"); got != "global" {
		t.Errorf("arnRegion global = %q", got)
	}
}

func TestLegacyName(t *testing.T) {
	for in, want := range map[string]struct {
		name     string
		resolved bool
	}{
		"[RESOLVED] Internet Connectivity": {"Internet Connectivity", true},
		"[resolved]Delayed metrics":        {"Delayed metrics", true},
		"Increased Error Rates":            {"Increased Error Rates", false},
	} {
		name, done := legacyName(in)
		if name != want.name || done != want.resolved {
			t.Errorf("legacyName(%q) = %q, %v", in, name, done)
		}
	}
}

func TestLegacyTime(t *testing.T) {
	prev := time.Date(2021, 12, 31, 22, 0, 0, 0, time.UTC) // 2:00 PM PST
	for in, want := range map[string]string{
		"2:30 PM PST":          "2021-12-31T22:30:00Z",
		"12:05 AM PST":         "2022-01-01T08:05:00Z", // after midnight: the next day
		"Jan 2,  9:15 AM PST":  "2022-01-02T17:15:00Z", // "Jan" after a December start: next year
		"Dec 31,  1:59 PM PST": "2021-12-31T21:59:00Z", // a minute before the date: the same day
		"3:00 PM PDT":          "2021-12-31T22:00:00Z",
	} {
		got, ok := legacyTime(in, prev)
		if !ok || !got.Equal(mustTime(want)) {
			t.Errorf("legacyTime(%q) = %v, %v; want %s", in, got, ok, want)
		}
	}
	for _, bad := range []string{"13:00 PM PST", "2:30 PM XYZ", "noon", "Foo 2, 9:15 AM PST"} {
		if _, ok := legacyTime(bad, prev); ok {
			t.Errorf("legacyTime(%q) parsed", bad)
		}
	}
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}
