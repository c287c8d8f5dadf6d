// A segment rule's values: shows the list of the chosen attribute as checkboxes and writes the codes of the
// ticked boxes into the rule's value field (which stays a plain text field for dates, or without JavaScript).
(function () {
  function attributeSelect(widget) {
    var input = widget.querySelector("input[type=text], input:not([type])");
    if (!input || !input.name) return null;
    return document.querySelector('[name="' + input.name.replace(/-value$/, "-attribute") + '"]');
  }

  function show(widget) {
    var input = widget.querySelector("input[type=text], input:not([type])");
    var select = attributeSelect(widget);
    var attribute = select ? select.value : "";
    var listed = false;
    widget.querySelectorAll("[data-rule-values-list]").forEach(function (list) {
      var mine = list.dataset.ruleValuesList === attribute;
      list.hidden = !mine;
      listed = listed || mine;
    });
    input.hidden = listed;
  }

  function write(widget) {
    var input = widget.querySelector("input[type=text], input:not([type])");
    var select = attributeSelect(widget);
    var list = widget.querySelector('[data-rule-values-list="' + (select ? select.value : "") + '"]');
    if (!list) return;
    var codes = [];
    list.querySelectorAll("input[type=checkbox]:checked").forEach(function (box) { codes.push(box.value); });
    input.value = codes.join(",");
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function setupAll() {
    document.querySelectorAll("[data-rule-values]").forEach(function (widget) {
      if (widget.dataset.ready) return;
      widget.dataset.ready = "1";
      show(widget);
    });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    var widget = target.closest && target.closest("[data-rule-values]");
    if (widget && target.type === "checkbox") {
      write(widget);
      return;
    }
    if (target.name && /-attribute$/.test(target.name)) {
      var value = document.querySelector('[name="' + target.name.replace(/-attribute$/, "-value") + '"]');
      var owner = value && value.closest("[data-rule-values]");
      if (owner) {
        show(owner);
        write(owner);
      }
    }
  });

  function start() {
    setupAll();
    new MutationObserver(setupAll).observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
