// On a phone, the board's filters fold under their heading (unless some are in use), so that the ideas come
// first; without JavaScript, or on a wider screen, they stay open.
(function () {
  var fold = document.querySelector("[data-filters-fold]");
  if (!fold) return;
  if (window.matchMedia("(max-width: 40em)").matches && !fold.hasAttribute("data-filters-chosen")) {
    fold.removeAttribute("open");
  }
})();
