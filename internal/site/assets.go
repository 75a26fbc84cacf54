package site

import (
	"embed"
	"html/template"
	"io/fs"
	"path"
	"strings"

	"github.com/watchfire-status/watchfire"
	"github.com/watchfire-status/watchfire/internal/embedjs"
	"github.com/watchfire-status/watchfire/internal/snapshot"
)

//go:embed assets/*
var assetFiles embed.FS

//go:embed templates/*.html
var templateFiles embed.FS

// assets are the page's static files by path, rendered once per process.
var assets = func() map[string]*snapshot.Doc {
	m := map[string]*snapshot.Doc{}
	names, err := fs.Glob(assetFiles, "assets/*")
	if err != nil {
		panic(err)
	}
	for _, name := range names {
		data, err := assetFiles.ReadFile(name)
		if err != nil {
			panic(err)
		}
		ct := TypeCSS
		switch path.Ext(name) {
		case ".js":
			ct = TypeJS
		case ".svg":
			ct = TypeSVG
		}
		m["/"+name] = snapshot.NewDoc(data, ct)
	}
	// The widget other sites embed: <script src=".../embed.js" async>.
	m["/embed.js"] = snapshot.NewDoc(embedjs.Script, TypeJS)
	return m
}()

// AssetPaths lists the static files, for the export.
func AssetPaths() []string {
	out := make([]string, 0, len(assets))
	for p := range assets {
		out = append(out, p)
	}
	return out
}

func assetDoc(p string) *snapshot.Doc {
	if !strings.HasPrefix(p, "/assets/") && p != "/embed.js" {
		return nil
	}
	return assets[p]
}

// assetVersion is a short hash of an asset's content, for cache busting.
func assetVersion(name string) string {
	if d := assets["/assets/"+name]; d != nil {
		return strings.Trim(d.ETag, `"`)[:10]
	}
	return "0"
}

var templates = template.Must(template.New("").Funcs(template.FuncMap{
	"statusClass":    func(s watchfire.ComponentStatus) string { return statusClass(s) },
	"join":           func(list []string) string { return strings.Join(list, ", ") },
	"indicatorClass": indicatorClass,
	"unit":           unitSuffix,
	"rowsOf": func(g groupView, v *view) any {
		return struct {
			Rows []componentRow
			V    *view
		}{g.Components, v}
	},
}).ParseFS(templateFiles, "templates/*.html"))
