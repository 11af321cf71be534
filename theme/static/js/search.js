/* The search page: Pagefind's UI, served from this site, over the index of every item page. */
(function () {
  "use strict";

  var root = document.getElementById("search");
  if (!root || typeof PagefindUI === "undefined") { return; }
  var baseUrl = root.getAttribute("data-base-url");
  // The index's other parts (space-separated bundle paths), searched as one with the first.
  var merged = (root.getAttribute("data-merge") || "").split(" ").filter(Boolean).map(function (path) {
    return { bundlePath: path, baseUrl: baseUrl };
  });
  var ui = new PagefindUI({
    element: "#search",
    bundlePath: root.getAttribute("data-bundle"),
    baseUrl: baseUrl,
    mergeIndex: merged,
    showImages: true,
    showSubResults: false,
    excerptLength: 24,
    // Why: the theme's own page styles the results; Pagefind's reset fights its colours.
    resetStyles: false,
    autofocus: !new URLSearchParams(window.location.search).get("q"),
    translations: { placeholder: "Search posts, #FF and films", zero_results: "Nothing found for [SEARCH_TERM]" }
  });

  // The header's box sends ?q=...: search for it at once.
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) { ui.triggerSearch(query); }

  // Why replaceState: the address then names the search, so it can be shared or reloaded.
  root.addEventListener("input", function (event) {
    if (!event.target || event.target.tagName !== "INPUT" || event.target.type !== "text") { return; }
    var address = new URL(window.location.href);
    if (event.target.value) { address.searchParams.set("q", event.target.value); } else { address.searchParams.delete("q"); }
    window.history.replaceState(null, "", address.toString());
  });
})();
