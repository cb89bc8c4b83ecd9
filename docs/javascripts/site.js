/* Run `fn` on this page at once (the theme loads this script at the end of the page, so the
   page is there and the reader has not scrolled yet), and again on each page the theme's instant
   navigation brings in, where that is on. Each `fn` may run twice on a page: it skips what it
   has done. */
function onEachPage(fn) {
  fn();
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(fn);
}

/* Search: a document number typed as 文民发[2023]25号 is searched as 文民发 [2023]25号. The theme
   segments Chinese text in the query by the words of its index and loses a Chinese word glued to a
   bracket; a space between them keeps both halves. */
document.addEventListener("input", function (event) {
  var box = event.target;
  if (!box.matches || !box.matches("input.md-search__input")) return;
  var value = box.value.replace(/(\p{sc=Han})([\[〔［(（])/gu, "$1 $2");
  if (value !== box.value) box.value = value;
}, true);

/* The traceability matrix, filterable by article, coverage and review status.
   Local file, no dependency: rows are shown or hidden; nothing is fetched. */
(function () {
  function setup() {
    var form = document.querySelector(".trace-filter");
    if (!form || form.dataset.ready) return;
    form.dataset.ready = "1";
    var table = document.querySelector(".trace-matrix table");
    if (!table) return;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var count = form.querySelector(".trace-count");
    rows.forEach(function (row) {
      var id = row.cells[0].textContent.trim();
      row.dataset.article = id.split("__")[0];
      var coverage = row.cells[4].querySelector("a");
      row.dataset.coverage = coverage ? coverage.getAttribute("href").replace(/^.*#coverage-/, "") : "";
      var review = row.cells[5].textContent;
      row.dataset.review = /reviewed/.test(review) ? "reviewed" : /stale/.test(review) ? "stale" : /draft/.test(review) ? "draft" : "";
    });
    function apply() {
      var wanted = {};
      form.querySelectorAll("select").forEach(function (s) { wanted[s.name] = s.value; });
      var shown = 0;
      rows.forEach(function (row) {
        var ok = Object.keys(wanted).every(function (k) { return !wanted[k] || row.dataset[k] === wanted[k]; });
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      if (count) count.textContent = shown + " / " + rows.length;
    }
    form.addEventListener("change", apply);
    apply();
  }
  onEachPage(setup);
})();

/* Rule readings: a variable's tooltip says what it stands for, in the language of the reading
   around it. The descriptions are written once for the site (javascripts/variables.js, from the
   vocabulary), not on each of the site's two thousand variables. */
(function () {
  function explain() {
    var domains = window.VARIABLE_DOMAINS || {};
    document.querySelectorAll("var[data-domain]").forEach(function (v) {
      var text = domains[v.getAttribute("data-domain")];
      if (!text || v.title) return;
      var holder = v.closest("[lang]");
      var lang = holder && /^en/i.test(holder.getAttribute("lang")) ? "en" : "zh";
      v.title = text[lang] || text.zh || "";
    });
  }
  onEachPage(explain);
})();

/* Each section heading with an id gets its permanent link (¶), which the theme shows on hover.
   Written here rather than into every page, where 1,600 of them were a tenth of a megabyte of
   the site. Not on the page title: under its block subtitle it would sit on a line of its own. */
(function () {
  function link() {
    var headings = document.querySelectorAll(
      ".md-content :is(h2, h3, h4, h5, h6)[id]"
    );
    headings.forEach(function (h) {
      if (h.querySelector(":scope > a.headerlink")) return;
      var a = document.createElement("a");
      a.className = "headerlink";
      a.href = "#" + h.id;
      a.title = "本节链接 · Permanent link";
      a.textContent = "¶";
      h.appendChild(a);
    });
  }
  onEachPage(link);
})();
