// One entry per place in the search results.
//
// Sphinx can list the same place several times: a command-line option as an object and as
// an index entry, a glossary term as a term and inside its page's text. Keep the best-scoring
// result per document and anchor, and drop a page's plain text match when a more precise
// result (an object, a title, an index entry) already points into that page.
(function () {
  "use strict";
  if (typeof Search === "undefined" || !Search._performSearch) return;
  const perform = Search._performSearch;
  Search._performSearch = function () {
    const results = perform.apply(this, arguments);
    // Results are shown from the end of the array: the best ones are last.
    const kept = [];
    const seen = new Set();
    const precise = new Set();
    for (let i = results.length - 1; i >= 0; i--) {
      const [docname, , anchor, , , , kind] = results[i];
      const key = docname + "#" + (anchor || "");
      if (seen.has(key)) continue;
      if (kind === "text" && precise.has(docname)) continue;
      seen.add(key);
      if (kind !== "text") precise.add(docname);
      kept.push(results[i]);
    }
    return kept.reverse();
  };
})();
