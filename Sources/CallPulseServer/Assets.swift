/// The wallboard's script and the pages' style sheet, served from `/static/` so that the
/// Content-Security-Policy can forbid every inline script and style.
enum Assets {
    /// Renders the tiles from the Server-Sent Events of `/events`: `board` (every tile),
    /// `tiles` (the changed ones), `gone` (names of stopped monitors). Every value goes in
    /// through `textContent`, never as HTML. EventSource reconnects by itself (`retry:`).
    static let boardJS = #"""
    "use strict";
    (function () {
      var board = document.getElementById("board");
      var status = document.getElementById("status");
      var tiles = Object.create(null);
      function clock(s) {
        if (s === null || s === undefined) return "";
        s = Math.max(0, Math.floor(s));
        var m = Math.floor(s / 60), r = s % 60;
        return m + ":" + (r < 10 ? "0" : "") + r;
      }
      function stateText(t) {
        switch (t.state) {
          case "ringing": return "RINGING " + (t.rings || 0);
          case "talking": return "talking";
          case "silence": return "silence " + Math.floor(t.silence_s || 0) + " s";
          case "dead_air": return "DEAD AIR " + Math.floor(t.silence_s || 0) + " s";
          default: return "idle";
        }
      }
      function line(parent, cls, text) {
        var el = document.createElement("p");
        el.className = cls;
        el.textContent = text;
        parent.appendChild(el);
        return el;
      }
      function render(t) {
        var el = tiles[t.agent];
        if (!el) {
          el = document.createElement("article");
          el.setAttribute("data-agent", t.agent);
          tiles[t.agent] = el;
          var names = Object.keys(tiles).sort();
          var next = names[names.indexOf(t.agent) + 1];
          board.insertBefore(el, next ? tiles[next] : null);
        }
        el.className = "tile level-" + t.level + " state-" + t.state;
        el.setAttribute("data-state", t.state);
        el.textContent = "";
        var h = document.createElement("h2");
        h.textContent = t.agent;
        el.appendChild(h);
        line(el, "state", stateText(t));
        if (t.level !== "ok") line(el, "level", t.level === "red" ? "RED: act now" : "AMBER: a rule was broken");
        var facts = [];
        if (t.in_call_s !== null && t.in_call_s !== undefined) facts.push("in call " + clock(t.in_call_s));
        if (t.rings !== null && t.rings !== undefined) facts.push("rings " + t.rings);
        if (t.talk_share !== null && t.talk_share !== undefined) facts.push("talk share " + Math.round(t.talk_share * 100) + " %");
        line(el, "facts", facts.join(" · ") || "no call");
        if (t.alert) line(el, "alert", "⚠ " + t.alert);
      }
      function empty() {
        var none = document.getElementById("none");
        if (none) none.hidden = Object.keys(tiles).length > 0;
      }
      function connect() {
        var source = new EventSource("/events");
        source.addEventListener("open", function () { status.textContent = "live"; status.className = "live"; });
        source.addEventListener("error", function () {
          status.textContent = "reconnecting…"; status.className = "down";
          // Refused (a login that ended, a full server, a proxy's error page): the browser
          // gives up on the stream. A login that ended goes to the login form; anything else
          // is tried again in 30 s, on this page.
          if (source.readyState !== 2) return;
          setTimeout(function () {
            fetch("/", { redirect: "manual", cache: "no-store" }).then(function (r) {
              if (r.type === "opaqueredirect") { location.assign("/login"); } else { connect(); }
            }, connect);
          }, 30000);
        });
        source.addEventListener("board", function (e) {
          var list = JSON.parse(e.data), keep = Object.create(null);
          list.forEach(function (t) { keep[t.agent] = true; render(t); });
          Object.keys(tiles).forEach(function (a) { if (!keep[a]) { board.removeChild(tiles[a]); delete tiles[a]; } });
          empty();
        });
        source.addEventListener("tiles", function (e) { JSON.parse(e.data).forEach(render); empty(); });
        source.addEventListener("gone", function (e) {
          JSON.parse(e.data).forEach(function (a) { if (tiles[a]) { board.removeChild(tiles[a]); delete tiles[a]; } });
          empty();
        });
      }
      connect();
    })();
    """#

    static let styleCSS = """
    body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111;background:#fff;margin:0;line-height:1.4}
    header.top{display:flex;gap:1.2em;align-items:center;padding:.5em 1em;border-bottom:2px solid #111;flex-wrap:wrap}
    header.top a{color:#111;font-weight:600}header.top .who{margin-left:auto;color:#444}
    header.top form{display:inline}
    main{padding:1em;max-width:1400px}
    h1{margin:.2em 0 .6em;font-size:1.5em}
    #status{font-size:.9em;border:1px solid #111;padding:0 .4em}#status.down{background:#111;color:#fff}
    #board{display:grid;grid-template-columns:repeat(auto-fill,minmax(15em,1fr));gap:.8em}
    .tile{border:2px solid #555;padding:.5em .8em;background:#f4f4f4}
    .tile h2{margin:0;font-size:1.2em;overflow-wrap:anywhere}
    .tile .state{font-size:1.6em;font-weight:700;margin:.1em 0}
    .tile .facts,.tile .alert,.tile .level{margin:.1em 0}
    .tile.state-ringing .state{letter-spacing:.05em}
    .tile.level-amber{background:#ffd27a;border:4px dashed #7a4a00}
    .tile.level-red{background:#e04848;color:#fff;border:6px double #000}
    .tile.level-red .state{text-decoration:underline}
    .tile .level{font-weight:700;text-transform:uppercase}
    table.calls{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
    table.calls th,table.calls td{border:1px solid #888;padding:.25em .5em;text-align:right}
    table.calls th:first-child,table.calls td:first-child,table.calls td.agent{text-align:left}
    form.filters{display:flex;gap:1em;flex-wrap:wrap;align-items:end;margin-bottom:1em}
    form.filters label{display:flex;flex-direction:column;font-size:.9em}
    .pager{margin:1em 0;display:flex;gap:1em}
    .error{border:2px solid #000;padding:.5em;background:#eee}
    form.login{display:flex;flex-direction:column;gap:.6em;max-width:20em}
    .charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(22em,1fr));gap:1em}
    .chart{border:1px solid #999;padding:.4em}.chart h3{margin:.1em 0;font-size:1em}
    section.call{border:1px solid #999;padding:.6em .8em;margin:1em 0}
    dl.facts{display:flex;flex-wrap:wrap;gap:.2em 1.4em;margin:.4em 0}dl.facts div{display:flex;gap:.4em}dt{color:#444}dd{margin:0;font-weight:600}
    ul.alerts{margin:.3em 0;padding-left:1.2em}.badge{border:1px solid #111;padding:0 .3em;font-size:.8em;font-family:monospace}
    svg.timeline{display:block;margin-top:.4em}svg.timeline-defs{position:absolute}
    table.agents{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
    table.agents th,table.agents td{border:1px solid #666;padding:.3em .5em;text-align:right;vertical-align:top}
    table.agents th[scope=row],table.agents thead th:first-child{text-align:left}
    button.danger{border:2px solid #000;background:#fff;font-weight:700}
    """
}
