// Watchfire status page. The page reads fully without this script; with
// it, times show in the reader's zone and language, and the banner,
// component statuses and active incidents follow the live event stream
// (server-sent events, reconnecting with backoff). A static export has no
// stream: it polls the JSON API instead.
(function () {
  'use strict';
  var body = document.body;
  var root = body.getAttribute('data-root') || './';
  var page = body.getAttribute('data-page') || '';
  var locale = body.getAttribute('data-locale') || 'en';
  var mode = body.getAttribute('data-live');
  var lastId = body.getAttribute('data-event') || '';
  var S = {};
  try { S = JSON.parse(document.getElementById('wf-strings').textContent); } catch (e) { /* keep keys */ }
  function t(k) { return Object.prototype.hasOwnProperty.call(S, k) ? S[k] : k; }
  var STATUS = { operational: 'op', degraded_performance: 'dg', partial_outage: 'po', major_outage: 'mo', under_maintenance: 'um' };
  var IND = { none: 'op', minor: 'dg', major: 'po', critical: 'mo', maintenance: 'um' };
  var keep = /[?&]locale=([a-z]{2,3})/.exec(location.search);
  var query = keep ? '?locale=' + keep[1] : '';

  // Times: the reader's zone and language.
  var dtf = null, rtf = null;
  try { dtf = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }); } catch (e) { }
  try { rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }); } catch (e) { }
  function relative(d) {
    var s = Math.round((d.getTime() - Date.now()) / 1000), a = Math.abs(s);
    if (a < 45) return rtf.format(a < 5 ? 0 : s, 'second');
    if (a < 2700) return rtf.format(Math.round(s / 60), 'minute');
    if (a < 64800) return rtf.format(Math.round(s / 3600), 'hour');
    return rtf.format(Math.round(s / 86400), 'day');
  }
  function formatTimes(scope) {
    var els = (scope || document).querySelectorAll('time[data-fmt]');
    for (var i = 0; i < els.length; i++) {
      var el = els[i], d = new Date(el.getAttribute('datetime'));
      if (isNaN(d.getTime())) continue;
      if (el.getAttribute('data-fmt') === 'relative' && rtf) {
        el.textContent = relative(d);
        if (dtf) el.title = dtf.format(d);
      } else if (dtf) {
        el.textContent = dtf.format(d);
      }
    }
  }

  function node(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text != null) n.textContent = text;
    return n;
  }
  function setStatus(el, status) {
    if (!el) return;
    var c = STATUS[status] || 'nd';
    el.className = 'st st-' + c;
    el.setAttribute('data-status', status);
    var use = el.querySelector('use');
    if (use) use.setAttribute('href', '#i-' + c);
    var text = el.querySelector('.st-text');
    if (text) text.textContent = t('status.' + status);
  }
  function byData(attr, id) {
    var all = document.querySelectorAll('[' + attr + ']');
    for (var i = 0; i < all.length; i++) if (all[i].getAttribute(attr) === id) return all[i];
    return null;
  }
  function favicon(ind) {
    var link = document.getElementById('favicon');
    if (!link) return;
    // The served favicon follows the state; a query defeats the cache.
    link.setAttribute('href', root + 'favicon.svg?s=' + ind);
  }

  function apply(sum) {
    var ind = (sum.status && sum.status.indicator) || 'none';
    var key = ind === 'minor' && sum.status.description === 'Partially Degraded Service' ? 'banner.minor_degraded' : 'banner.' + ind;
    var banner = document.getElementById('banner');
    if (banner) {
      banner.className = 'banner ind-' + ind;
      var use = banner.querySelector('use');
      if (use) use.setAttribute('href', '#i-' + (IND[ind] || 'op'));
      document.getElementById('banner-text').textContent = t(key);
    }
    if (body.getAttribute('data-indicator') !== ind) favicon(ind);
    body.setAttribute('data-indicator', ind);
    var comps = sum.components || [];
    for (var i = 0; i < comps.length; i++) {
      var c = comps[i];
      if (c.group) {
        var g = byData('data-group', c.id);
        if (g) setStatus(g.querySelector('summary .st'), c.status);
      } else {
        var li = byData('data-component', c.id);
        if (li) setStatus(li.querySelector('.c-head .st'), c.status);
      }
    }
    var section = document.getElementById('active'), list = document.getElementById('active-list');
    if (!section || !list) return;
    var incs = sum.incidents || [];
    list.textContent = '';
    for (var j = 0; j < incs.length; j++) {
      var inc = incs[j], card = node('article', 'card imp-' + inc.impact);
      card.setAttribute('data-incident', inc.id);
      var h = node('h3'), a = node('a', null, inc.name);
      a.href = root + 'incidents/' + encodeURIComponent(inc.id) + '/' + query;
      h.appendChild(a);
      card.appendChild(h);
      var meta = node('p', 'meta');
      meta.appendChild(node('span', 'tag', t('incident.status.' + inc.status)));
      meta.appendChild(document.createTextNode(' '));
      meta.appendChild(node('span', 'tag tag-imp', t('impact.' + inc.impact)));
      card.appendChild(meta);
      var u = inc.incident_updates && inc.incident_updates[0];
      if (u) {
        var up = node('div', 'update'), head = node('p', 'update-head');
        head.appendChild(node('strong', null, t('incident.status.' + u.status)));
        head.appendChild(document.createTextNode(' · '));
        var tm = node('time');
        tm.setAttribute('datetime', u.display_at || u.created_at);
        tm.setAttribute('data-fmt', 'datetime');
        head.appendChild(tm);
        up.appendChild(head);
        up.appendChild(node('div', 'md', u.body));
        card.appendChild(up);
      }
      list.appendChild(card);
    }
    section.hidden = incs.length === 0;
    formatTimes(list);
  }

  var pending = null, inflight = false, again = false;
  function refresh() {
    if (inflight) { again = true; return; }
    inflight = true;
    fetch(root + 'api/v2/summary.json', { cache: 'no-cache', credentials: 'same-origin' })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(apply)
      .catch(function () { /* the next event or poll retries */ })
      .then(function () { inflight = false; if (again) { again = false; refresh(); } });
  }
  function schedule() {
    if (pending) return;
    pending = setTimeout(function () { pending = null; refresh(); }, 50);
  }

  var live = document.getElementById('live');
  function setLive(text) {
    if (!live) return;
    live.hidden = false;
    live.textContent = text;
  }

  var delay = 1000, es = null, opened = false;
  function connect() {
    var url = root + 'api/v1/events?page_id=' + encodeURIComponent(page) +
      (lastId ? '&last_event_id=' + encodeURIComponent(lastId) : '');
    es = new EventSource(url);
    es.onopen = function () {
      delay = 1000;
      setLive(t('live.on'));
      if (opened) schedule(); // a reconnect: catch up whatever the replay could not
      opened = true;
    };
    es.onmessage = function (e) {
      if (e.lastEventId) lastId = e.lastEventId;
      schedule();
    };
    es.addEventListener('resync', function (e) {
      // The replay gap was too large: move past it and reload the state.
      if (e.lastEventId) lastId = e.lastEventId;
      schedule();
    });
    es.onerror = function () {
      es.close();
      setLive(t('live.off'));
      var wait = delay * (0.5 + Math.random());
      delay = Math.min(delay * 2, 30000);
      setTimeout(connect, wait);
    };
  }

  formatTimes();
  setInterval(function () { formatTimes(); }, 15000);
  if (!document.getElementById('banner')) return; // only the home page follows the state
  if (mode === 'stream' && window.EventSource) {
    connect();
  } else {
    setLive(t('live.static'));
    setInterval(refresh, 60000);
  }
})();
