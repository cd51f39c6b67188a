// Highlight toggles and quote links for the article view. The page works without it: the
// side panels carry the same links.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var text = document.getElementById("article-text");
  if (!text) { return; }
  text.querySelectorAll("input[data-toggle]").forEach(function (box) {
    box.addEventListener("change", function () {
      text.classList.toggle("hide-" + box.dataset.toggle, !box.checked);
    });
  });
  // A highlighted quote leads to everything its speaker said across the corpus.
  text.addEventListener("click", function (event) {
    if (text.classList.contains("hide-quote")) { return; }
    var quote = event.target.closest("[data-quote]");
    if (!quote) { return; }
    var row = document.getElementById("quote-" + quote.dataset.quote);
    if (row && row.dataset.speakerHref) { window.location.assign(row.dataset.speakerHref); }
  });
});
