// Live size of the segment being edited: posts the form to the size endpoint whenever a field changes.
(function () {
  function setup(panel) {
    var form = panel.closest("form");
    var output = panel.querySelector("[data-segment-size-output]");
    if (!form || !output) return;
    var timer = null;
    var sequence = 0;

    function refresh() {
      var mine = ++sequence;
      var data = new FormData(form);
      data.set("segment_id", panel.dataset.segmentId || "");
      data.delete("action-publish");
      fetch(panel.dataset.url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Requested-With": "XMLHttpRequest" },
      })
        .then(function (response) { return response.json(); })
        .then(function (result) {
          if (mine !== sequence) return; // an older answer arriving late
          output.textContent = result.error ? result.error : result.label;
          output.dataset.count = result.count === null ? "" : String(result.count);
          panel.classList.toggle("segment-size--error", Boolean(result.error));
        })
        .catch(function () { output.textContent = "…"; });
    }

    function later() {
      clearTimeout(timer);
      timer = setTimeout(refresh, 300);
    }

    form.addEventListener("input", later);
    form.addEventListener("change", later);
    // Wagtail adds and removes inline rule forms without an input event.
    new MutationObserver(later).observe(form, { childList: true, subtree: true });
    refresh();
  }

  function start() {
    document.querySelectorAll("[data-segment-size]").forEach(setup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
