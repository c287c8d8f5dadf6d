// Pages whose conditions or piped texts read answers given on the same page (surveys/logic). Without this script
// the page offers a "Mettre à jour la page" button that shows it again with what the entries make visible. With
// it, the page asks the server the same thing as soon as an answer changes (a choice at once, a text when the
// field is left) and swaps in what changed; the server alone evaluates the conditions, and checks every answer
// again when the page is sent.
(function () {
  var form = document.querySelector("form[data-refresh]");
  if (!form || !window.fetch || !window.DOMParser || !window.FormData || !window.URLSearchParams) return;
  var button = form.querySelector("[data-refresh-button]");
  var hint = form.querySelector("[data-refresh-hint]");
  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  form.appendChild(status);
  // Removed rather than hidden (a styled button ignores "hidden"); put back if the server cannot be reached.
  var placed = [button, hint].filter(Boolean).map(function (node) {
    return { node: node, parent: node.parentNode, next: node.nextSibling };
  });
  placed.forEach(function (place) { place.node.remove(); });
  var latest = null;
  var timer = null;

  function entries() {
    var data = new FormData(form);
    data.delete("action");
    return data;
  }

  function key(node) {
    return node.id || node.tagName + "." + node.className;
  }

  function signature(node) {
    var copy = node.cloneNode(true);
    copy.querySelectorAll("textarea, output").forEach(function (element) { element.textContent = ""; });
    var parts = [copy.textContent.replace(/\s+/g, " ")];
    node.querySelectorAll("input, select, textarea, option").forEach(function (element) {
      var choice = element.tagName === "OPTION" || element.type === "radio" || element.type === "checkbox";
      parts.push(element.tagName + ":" + (element.name || "") + ":" + (choice ? element.getAttribute("value") : ""));
    });
    return parts.join("|");
  }

  function questionIds(container) {
    return Array.prototype.map.call(container.querySelectorAll(".question"), function (node) { return node.id; }).join(",");
  }

  function swap(current, fresh) {
    var kept = {};
    Array.prototype.forEach.call(current.children, function (child) { kept[key(child)] = child; });
    var active = document.activeElement;
    var activeId = active && active.id;
    var before = questionIds(current);
    var order = Array.prototype.map.call(fresh.children, function (child) {
      var existing = kept[key(child)];
      if (existing && signature(existing) === signature(child)) {
        delete kept[key(child)];
        return existing;
      }
      return document.importNode(child, true);
    });
    Object.keys(kept).forEach(function (name) { kept[name].remove(); });
    order.forEach(function (child) { current.appendChild(child); });
    if (activeId && document.activeElement !== active) {
      var again = document.getElementById(activeId);
      if (again) again.focus();
    }
    if (questionIds(current) !== before) status.textContent = form.dataset.updated || "";
  }

  function refresh() {
    var data = entries();
    var sent = new URLSearchParams(data).toString();
    latest = sent;
    data.append("action", "refresh");
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        // A newer change is on its way, or the ambassador typed meanwhile: wait for the next answer.
        if (latest !== sent || new URLSearchParams(entries()).toString() !== sent) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-questions]");
        var current = form.querySelector("[data-questions]");
        if (fresh && current) swap(current, fresh);
      })
      .catch(function () {
        placed.forEach(function (place) {
          if (!place.node.isConnected) place.parent.insertBefore(place.node, place.next && place.next.isConnected ? place.next : null);
        });
      });
  }

  form.addEventListener("change", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 100);
  });
})();
