/* Watchfire status widget. <script src="https://status.example/embed.js" async></script>
   data-position="bottom-right|bottom-left|top-right|top-left|inline", data-target="#selector" (inline) */
(function () {
  'use strict';
  var s = document.currentScript;
  if (!s || !s.src || !window.fetch || !window.URL) return;
  var pos = s.getAttribute('data-position') || '', sel = s.getAttribute('data-target');
  if (!/^(top|bottom)-(left|right)$|^inline$/.test(pos)) pos = 'bottom-right';
  var api, base, host, a, dot, txt;
  try {
    api = new URL('api/v2/status.json', s.src).href;
    base = new URL('./', s.src).href;
  } catch (e) { return; }
  var colors = { none: '#1a7f37', minor: '#bf8700', major: '#d1570d', critical: '#cf222e', maintenance: '#0969da' };
  var css = ':host{all:initial!important;display:block!important;position:fixed!important;z-index:2147483000!important}' +
    ':host([data-p=inline]){position:static!important;display:inline-block!important}' +
    ':host([data-p^=top]){top:16px!important}:host([data-p^=bottom]){bottom:16px!important}' +
    ':host([data-p$=left]){left:16px!important}:host([data-p$=right]){right:16px!important}' +
    'a{display:inline-flex;align-items:center;gap:8px;padding:6px 12px;border-radius:999px;' +
    'font:13px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#fff;' +
    'border:1px solid #d0d7de;box-shadow:0 1px 3px rgba(0,0,0,.15);text-decoration:none}' +
    'a:hover span,a:focus span{text-decoration:underline}a:focus-visible{outline:2px solid #0969da;outline-offset:2px}' +
    'i{width:10px;height:10px;border-radius:50%;flex:none;background:#6e7781}' +
    '@media(prefers-color-scheme:dark){a{color:#e6edf3;background:#161b22;border-color:#30363d}}';

  function el(name, parent) {
    return parent.appendChild(document.createElement(name));
  }

  function build() {
    host = document.createElement('watchfire-status');
    host.setAttribute('data-p', pos);
    var root = host.attachShadow({ mode: 'closed' });
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      root.adoptedStyleSheets = [sheet];
    } catch (e) {
      el('style', root).textContent = css;
    }
    a = el('a', root);
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    dot = el('i', a);
    dot.setAttribute('aria-hidden', 'true');
    txt = el('span', a);
  }

  function mount() {
    if (pos !== 'inline') return document.body.appendChild(host);
    var t = null;
    try { t = sel && document.querySelector(sel); } catch (e) {}
    if (t && t.parentNode) return t.parentNode.replaceChild(host, t);
  }

  function show(d) {
    var st = d && d.status, pg = (d && d.page) || {};
    if (!st || typeof st.description !== 'string') return;
    if (!host) {
      build();
      if (!mount()) { host = null; return; }
    }
    var href = base;
    try {
      var u = typeof pg.url === 'string' && pg.url && new URL(pg.url, base);
      if (u && /^https?:$/.test(u.protocol)) href = u.href;
    } catch (e) {}
    a.href = href;
    if (typeof pg.name === 'string') a.title = pg.name;
    txt.textContent = st.description;
    var c = Object.prototype.hasOwnProperty.call(colors, st.indicator) ? colors[st.indicator] : '';
    dot.style.background = c;
  }

  function load() {
    if (document.hidden && host) return;
    fetch(api, { credentials: 'omit', cache: 'no-cache' })
      .then(function (r) { if (!r.ok) throw r.status; return r.json(); })
      .then(show)
      .catch(function () {});
  }

  function start() {
    if (!document.body || !document.body.attachShadow) return;
    load();
    setInterval(load, 60000);
    document.addEventListener('visibilitychange', load);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
