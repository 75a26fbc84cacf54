package provider

import (
	"bytes"

	"github.com/mmcdole/gofeed"
)

// ParseFeed parses an RSS or Atom document with gofeed, after Text has
// made it UTF-8. A payload that is neither gives an error wrapping
// ErrFormat.
func ParseFeed(body []byte) (*gofeed.Feed, error) {
	text, err := Text(body)
	if err != nil {
		return nil, err
	}
	if c := firstByte(text); c != '<' {
		return nil, Formatf("the body is not an RSS or Atom feed (it starts with %q)", c)
	}
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(text))
	if err != nil {
		return nil, Formatf("the body is not an RSS or Atom feed: %v", err)
	}
	return feed, nil
}
