// site.js - the site's search box: offline, over an index of every
// section that tools/site.py writes at book-build time (search-index.js,
// window.BOOK_SEARCH = [[url, title, text], ...]). No network, no
// server: it works from file://.
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box || !window.BOOK_SEARCH) return;
  // the pages in source/ are one folder down
  var script = document.querySelector('script[src$="site.js"]');
  var root = script.getAttribute("src").replace(/site\.js$/, "");
  var input = document.createElement("input");
  input.type = "search";
  input.placeholder = "Search the book";
  input.setAttribute("aria-label", "Search the book");
  var results = document.createElement("div");
  box.appendChild(input);
  box.appendChild(results);

  function show(query) {
    results.textContent = "";
    var words = query.toLowerCase().split(/\s+/).filter(Boolean);
    if (words.length === 0) return;
    var hits = [];
    window.BOOK_SEARCH.forEach(function (entry) {
      var title = entry[1].toLowerCase(), text = entry[2];
      var score = 0;
      for (var i = 0; i < words.length; i++) {
        var inTitle = title.indexOf(words[i]) >= 0;
        if (!inTitle && text.indexOf(words[i]) < 0) return;
        score += inTitle ? 10 : 1;
      }
      hits.push([score, entry]);
    });
    hits.sort(function (a, b) { return b[0] - a[0]; });
    if (hits.length === 0) {
      var none = document.createElement("p");
      none.className = "hint";
      none.textContent = "Nothing found.";
      results.appendChild(none);
      return;
    }
    var list = document.createElement("ol");
    hits.slice(0, 25).forEach(function (hit) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = root + hit[1][0];
      link.textContent = hit[1][1];
      item.appendChild(link);
      list.appendChild(item);
    });
    results.appendChild(list);
  }
  input.addEventListener("input", function () { show(input.value); });
})();
