package curate

import (
	"strings"
)

// hostRules give a provider hint from the address alone: domains that only
// one status-page service hosts, and the big vendors whose pages have a
// format of their own. Anything else is "auto" (the cascade decides at the
// first poll) unless curation.tsv names the custom domain.
var hostRules = []struct {
	domain, provider string
}{
	{"statuspage.io", "atlassian"},
	{"status.atlassian.com", "atlassian"}, // Atlassian's own pages and their subdomains
	{"instatus.com", "instatus"},
	{"status.io", "statusio"},
	{"incident.io", "incidentio"},
	{"betteruptime.com", "betterstack"},
	{"betterstack.com", "betterstack"},
	{"status.cloud.google.com", "gcp"},
	{"slack-status.com", "slack"},
	{"status.slack.com", "slack"},
	{"health.aws.amazon.com", "aws"},
	{"status.aws.amazon.com", "aws"},
	{"azure.status.microsoft", "feed"}, // Azure publishes RSS, nothing richer
	{"status.heroku.com", "heroku"},
	{"status.salesforce.com", "salesforce"},
}

func providerFor(host, clean string) string {
	// Apple's page is one path on its main site.
	if host == "apple.com" && strings.Contains(clean, "/support/systemstatus") {
		return "apple"
	}
	for _, r := range hostRules {
		if hostIs(host, r.domain) {
			return r.provider
		}
	}
	return "auto"
}

// categoryRules place a page by words in its name, first match wins. Every
// page of today's source has a category line in curation.tsv; the rules are
// a net for rows added later, so they stay conservative: a wrong category
// is worse than "other". Hosts are not searched, since words like "cloud",
// "support" or "uptime" in a status page's address say nothing about the
// vendor.
var categoryRules = []struct {
	category string
	words    []string
}{
	{"crypto", []string{"coin", "crypto", "blockchain", "bitcoin", "ethereum", "nft", "web3"}},
	{"cdn-dns", []string{"cdn", "dns", "domains"}},
	{"ci-cd", []string{" ci ", "deploy", "pipelines"}},
	{"database", []string{"database", "sql", "redis", "mongo", "elasticsearch"}},
	{"monitoring", []string{"monitoring", "observability", "logging", " apm "}},
	{"security", []string{"security", "secure", "cyber", "threat", "phish", " vpn ", "firewall", "antivirus", "password"}},
	{"ai", []string{" ai ", " ml ", "llm"}},
	{"hosting", []string{"hosting", " host ", "hoster", " vps ", "wordpress"}},
	{"payments", []string{"payment", " pay ", "checkout", "billing"}},
	{"ecommerce", []string{"commerce", " shop "}},
	{"email", []string{"email", " mail "}},
	{"communication", []string{" chat ", " voice ", " video ", " sms ", "messaging", "telephony"}},
	{"networking", []string{"networks", "telecom", "wifi", "fibre", "fiber", "internet", "sd-wan"}},
	{"hr", []string{"recruit", "payroll", "talent", "hiring"}},
	{"support", []string{"helpdesk", "help desk", "service desk"}},
	{"education", []string{"learning", "school", "university", "college"}},
	{"healthcare", []string{"health", "medical", "pharma", "clinic"}},
	{"gaming", []string{" game", "gaming"}},
	{"analytics", []string{"analytics"}},
}

func categoryFor(name string) string {
	// Spaces around the name and its words let rules ask for whole words.
	hay := " " + strings.Join(strings.FieldsFunc(strings.ToLower(name), func(r rune) bool {
		return r == ' ' || r == '-' || r == '.' || r == ',' || r == '(' || r == ')'
	}), " ") + " "
	for _, r := range categoryRules {
		for _, w := range r.words {
			if strings.Contains(hay, w) {
				return r.category
			}
		}
	}
	return "other"
}
