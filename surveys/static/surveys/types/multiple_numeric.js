// Questions with several numbers (surveys/types/multiple_numeric.py): the running total of the items as they
// are typed, in the page's language. Without this script the rule stays written above the items, and the
// server checks the total either way.
(function () {
  function parse(text) {
    var cleaned = text.replace(/[\s\u00a0\u202f']/g, "").replace(",", ".");
    return cleaned === "" ? 0 : Number(cleaned);
  }

  function setup(line) {
    var inputs = document.querySelectorAll('[data-total-of="' + line.dataset.runningTotal + '"]');
    var output = line.querySelector("output");
    var format = new Intl.NumberFormat(document.documentElement.lang || undefined, { maximumFractionDigits: 4 });

    function update() {
      var total = 0;
      var readable = true;
      inputs.forEach(function (input) {
        var value = parse(input.value);
        if (isNaN(value)) readable = false;
        else total += value;
      });
      var shown = readable ? format.format(Math.round(total * 10000) / 10000) : "…";
      output.textContent = line.dataset.label.replace("{total}", shown);
    }

    inputs.forEach(function (input) { input.addEventListener("input", update); });
    update();
    line.hidden = false;
  }

  document.querySelectorAll("[data-running-total]").forEach(setup);
})();
