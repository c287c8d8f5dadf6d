// The survey builder (surveys/builder_forms.py): a question's condition picked from the questions of the pages
// before it and ticked among that question's own choices (even those just typed), then said in words. Without
// this script the two fields stay as text: the code of the question and its answers, checked by the server.
function surveyBuilder() {
  var data = document.getElementById("builder-words");
  if (!data) return;
  var words = JSON.parse(data.textContent);
  var form = data.closest("form");
  var timer = null;

  function slug(text) {
    var code = text.normalize("NFKD").replace(/[^\x00-\x7F]/g, "").replace(/[^\w\s-]/g, "").trim().toLowerCase();
    return code.replace(/[-\s]+/g, "-").replace(/^[-_]+|[-_]+$/g, "").slice(0, 36);
  }

  function choiceLines(text) {
    var taken = {};
    return text.split("\n").map(function (line) { return line.trim(); }).filter(Boolean).map(function (line, index) {
      var parts = line.split("=");
      var code = parts[0].trim();
      var label = parts.slice(1).join("=").trim();
      if (!(parts.length > 1 && label && /^[A-Za-z0-9_-]{1,40}$/.test(code))) {
        code = slug(line) || "c" + (index + 1);
        label = line;
      }
      var unique = code;
      for (var number = 2; taken[unique.toLowerCase()]; number++) unique = code + "-" + number;
      taken[unique.toLowerCase()] = true;
      return { code: unique, label: label };
    });
  }

  function questions() {
    return Array.prototype.filter.call(form.querySelectorAll("[data-builder-code]"), function (input) {
      var deleted = form.querySelector('[name="' + input.name.replace(/code$/, "DELETE") + '"]');
      return !(deleted && deleted.value === "1");
    }).map(function (input) {
      var prefix = input.name.replace(/code$/, "");
      function field(name) { return form.querySelector('[name="' + prefix + name + '"]'); }
      var kind = field("kind").value;
      var choices = words.withChoices.indexOf(kind) >= 0 ? choiceLines(field("choices_text").value) : [];
      if (kind === "yes_no") choices = [{ code: "oui", label: words.yes }, { code: "non", label: words.no }];
      return {
        code: input.value.trim() || "Q" + (parseInt(prefix.split("-")[1], 10) + 1),
        page: parseInt(field("page").value, 10) || 1,
        text: field("text_fr").value.trim(),
        choices: choices,
        field: field,
      };
    });
  }

  function setUp(question) {
    var code = question.field("show_if_code");
    if (code.dataset.builderReady) return;
    code.dataset.builderReady = "1";
    var select = document.createElement("select");
    select.id = code.id;
    code.id += "-text";
    code.hidden = true;
    code.after(select);
    var values = question.field("show_if_answers");
    var boxes = document.createElement("div");
    boxes.className = "builder-answers";
    boxes.setAttribute("role", "group");
    values.after(boxes);
    var said = document.createElement("p");
    said.className = "builder-condition-words";
    said.setAttribute("aria-live", "polite");
    boxes.after(said);
    select.addEventListener("change", function () {
      code.value = select.value;
      values.value = "";
      refresh();
    });
    boxes.addEventListener("change", function () {
      values.value = Array.prototype.filter.call(boxes.querySelectorAll("input"), function (box) { return box.checked; })
        .map(function (box) { return box.value; }).join(",");
      refresh();
    });
  }

  function show(question, all) {
    // the choices are asked only of the types that have some
    var choices = question.field("choices_text");
    var wrapper = choices.closest(".w-field__wrapper") || choices.parentNode;
    var offers = words.withChoices.indexOf(question.field("kind").value) >= 0;
    if (wrapper.hidden === offers) wrapper.hidden = !offers;
    var code = question.field("show_if_code");
    var values = question.field("show_if_answers");
    var select = document.getElementById(code.id.replace(/-text$/, ""));
    var boxes = values.nextElementSibling;
    var said = boxes.nextElementSibling;
    var earlier = all.filter(function (other) { return other.page < question.page; });
    var options = [["", words.none]].concat(earlier.map(function (other) {
      return [other.code, other.code + " — " + other.text.slice(0, 60)];
    }));
    if (JSON.stringify(options) !== select.dataset.options) {
      select.dataset.options = JSON.stringify(options);
      select.replaceChildren.apply(select, options.map(function (pair) { return new Option(pair[1], pair[0]); }));
    }
    select.value = code.value;
    var target = earlier.filter(function (other) { return other.code.toLowerCase() === code.value.toLowerCase(); })[0];
    var picked = values.value.split(",").map(function (value) { return value.trim().toLowerCase(); });
    var shape = target ? JSON.stringify(target.choices) : "";
    if (shape !== boxes.dataset.shape) {
      boxes.dataset.shape = shape;
      boxes.replaceChildren();
      (target ? target.choices : []).forEach(function (choice) {
        var label = document.createElement("label");
        var box = document.createElement("input");
        box.type = "checkbox";
        box.value = choice.code;
        box.checked = picked.indexOf(choice.code.toLowerCase()) >= 0 || picked.indexOf(choice.label.toLowerCase()) >= 0;
        label.append(box, " " + choice.label);
        boxes.append(label);
      });
    }
    values.hidden = Boolean(target && target.choices.length);
    var ticked = target ? target.choices.filter(function (choice) { return picked.indexOf(choice.code.toLowerCase()) >= 0; }) : [];
    var answers = ticked.map(function (choice) { return "« " + choice.label + " »"; });
    if (!target || !target.choices.length) answers = values.value ? values.value.split(",").map(function (v) { return "« " + v.trim() + " »"; }) : [];
    var text = !target ? words.always : !answers.length ? words.pick : words.shownIf
      .replace("{code}", target.code).replace("{text}", target.text.slice(0, 80)).replace("{answers}", answers.join(words.or));
    if (said.textContent !== text) said.textContent = text;  // unchanged: no mutation, so no endless refresh
  }

  function refresh() {
    var all = questions();
    all.forEach(setUp);
    all.forEach(function (question) { show(question, all); });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 150);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
  new MutationObserver(later).observe(form, { childList: true, subtree: true });
  refresh();
}

// The admin may load this script in the page's head, before the form.
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", surveyBuilder);
else surveyBuilder();
