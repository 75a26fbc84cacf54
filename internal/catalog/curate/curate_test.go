package curate

import (
	"bytes"
	"strings"
	"testing"
)

func TestCleanURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://status.forcepoint.com/#/status/1":               "https://status.forcepoint.com",
		"https://status.example.com/?start_date=2023-12-02":      "https://status.example.com",
		"HTTPS://Status.Example.COM/":                            "https://status.example.com",
		"http://status.example.com":                              "http://status.example.com", // http-only pages stay http
		"https://osdatahub.os.uk/serviceStatus":                  "https://osdatahub.os.uk/serviceStatus",
		"https://www.icewarp.de/en/support/service-status/#:~:t": "https://www.icewarp.de/en/support/service-status/",
	} {
		got, _, err := cleanURL(in)
		if err != nil || got != want {
			t.Errorf("cleanURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"ftp://x.test", "status.example.com", "https://", "https://u:p@x.test", "::"} {
		if got, _, err := cleanURL(in); err == nil {
			t.Errorf("cleanURL(%q) = %q, want an error", in, got)
		}
	}
}

func TestPrettify(t *testing.T) {
	for in, want := range map[string]string{
		"akamai-edge-dns":                       "Akamai Edge DNS",
		"amazon-web-services":                   "Amazon Web Services",
		"heroku":                                "Heroku",
		"sap-for-me--sap-one-support-launchpad": "SAP For Me SAP One Support Launchpad",
		"GitHub":                                "GitHub", // not a slug: the vendor's spelling
		"commercetools GmbH":                    "commercetools GmbH",
		"crates.io":                             "crates.io",
	} {
		if got := prettify(in); got != want {
			t.Errorf("prettify(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestProviderFor(t *testing.T) {
	for addr, want := range map[string]string{
		"https://foo.statuspage.io":                  "atlassian",
		"https://jira-align.status.atlassian.com":    "atlassian",
		"https://currents.instatus.com":              "instatus",
		"https://dynatrace.status.io":                "statusio",
		"https://status.iron.io":                     "auto", // .io, not .status.io
		"https://x.betteruptime.com":                 "betterstack",
		"https://status.cloud.google.com/maps":       "gcp",
		"https://www.apple.com/support/systemstatus": "apple",
		"https://developer.apple.com/system-status":  "auto",
		"https://status.aws.amazon.com":              "aws",
		"https://azure.status.microsoft/en-us":       "feed",
		"https://status.heroku.com":                  "heroku",
		"https://status.salesforce.com":              "salesforce",
		"https://status.example.com":                 "auto",
	} {
		clean, host, err := cleanURL(addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := providerFor(host, clean); got != want {
			t.Errorf("providerFor(%s) = %q, want %q", addr, got, want)
		}
	}
}

func TestCategoryFor(t *testing.T) {
	for name, want := range map[string]string{
		"Acme Coin Exchange": "crypto",
		"Foo CDN":            "cdn-dns",
		"Bar CI":             "ci-cd",
		"Ciao":               "other", // "ci" only as a word
		"Baz Hosting":        "hosting",
		"Acme Payments":      "payments",
		"Acme Security":      "security",
		"Widget Co":          "other",
	} {
		if got := categoryFor(name); got != want {
			t.Errorf("categoryFor(%q) = %q, want %q", name, got, want)
		}
	}
}

func run(t *testing.T, source, curation string) (*Result, error) {
	t.Helper()
	return Curate(strings.NewReader(source), strings.NewReader(curation))
}

func TestCurate(t *testing.T) {
	source := "# comment\nname\turl\n" +
		"Acme\thttps://status.acme.test/#x\n" +
		"acme-cloud\thttps://acme.statuspage.io\n" +
		"Mirror\thttps://statusgator.com/services/zed\n" +
		"Zed\thttps://statusgator.com/services/zed2\n" +
		"Junk\thttps://junk.test/login\n"
	curation := "aggregator\tstatusgator.com\tmirrors\n" +
		"url\thttps://statusgator.com/services/zed2\thttps://status.zed.test\n" +
		"url\thttps://junk.test/login\thttps://junk.test\n" +
		"drop\thttps://acme.statuspage.io\tsame as status.acme.test\n" +
		"provider\tstatus.acme.test\tatlassian\n" +
		"category\tAcme\tcloud\n"
	res, err := run(t, source, curation)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := Write(&out, res.Pages); err != nil {
		t.Fatal(err)
	}
	want := Header +
		"Acme\thttps://status.acme.test\tatlassian\tcloud\n" +
		"Junk\thttps://junk.test\tauto\tother\n" +
		"Zed\thttps://status.zed.test\tauto\tother\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
	if len(res.Dropped) != 2 || res.Dropped[0].Name != "acme-cloud" || res.Dropped[1].Name != "Mirror" {
		t.Errorf("Dropped = %+v", res.Dropped)
	}
}

func TestCurateRefuses(t *testing.T) {
	for _, c := range []struct{ name, source, curation, want string }{
		{"duplicate address", "A\thttps://s.test\nB\thttp://s.test/\n", "", "same page"},
		{"duplicate name", "A\thttps://a.test\na\thttps://b.test\n", "", "is used by"},
		{"stale drop", "A\thttps://a.test\n", "drop\thttps://gone.test\tx\n", "matches no source row"},
		{"stale category", "A\thttps://a.test\n", "category\tGone\tcloud\n", "matches no source row"},
		{"bad category", "A\thttps://a.test\n", "category\tA\tweird\n", "not one of"},
		{"bad provider", "A\thttps://a.test\n", "provider\ta.test\tstatuspage\n", "not one of"},
		{"unknown op", "A\thttps://a.test\n", "rename\tx\ty\n", "unknown op"},
		{"repeated line", "A\thttps://a.test\n", "category\tA\tcloud\ncategory\ta\tai\n", "given twice"},
		{"bad source line", "just a name\n", "", "want name<TAB>url"},
		{"bad address", "A\tftp://a.test\n", "", "bad URL"},
	} {
		_, err := run(t, c.source, c.curation)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want one mentioning %q", c.name, err, c.want)
		}
	}
}
