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
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(setup);
  else document.addEventListener("DOMContentLoaded", setup);
})();
