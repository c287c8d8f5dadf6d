// A vote without leaving the page: the vote form is sent by fetch, and its answer (JSON: the idea's count, whether
// the vote stands, the votes left) updates the count and the button in place; the page neither reloads nor jumps
// to the top. Without JavaScript the form is posted and the server leads back to the idea, anchored.
(function () {
  function counted(node, n) {
    // node carries the sentence for 0, 1 and 2 (data-zero, data-one, data-many), as the server words them
    var text = n === 0 ? node.dataset.zero : n === 1 ? node.dataset.one : node.dataset.many;
    return text.replace(/\d+/, String(n));
  }

  function later(seconds) {
    return new Promise(function (resolve) { setTimeout(resolve, seconds * 1000); });
  }

  function send(form, action, attempt) {
    var data = new FormData(form);
    data.set("action", action);
    return fetch(form.getAttribute("action"), {  // not form.action: the button named "action" hides it
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: {"Accept": "application/json", "X-CSRFToken": data.get("csrfmiddlewaretoken")}
    }).then(function (response) {
      if (response.status === 503 && attempt < 3) {  // a burst: the server says when to come back
        return later(parseInt(response.headers.get("Retry-After"), 10) || 2).then(function () {
          return send(form, action, attempt + 1);
        });
      }
      return response.json().then(function (body) { return {ok: response.ok, body: body}; });
    });
  }

  function show(form, button, state) {
    var box = form.closest("[data-vote-box]");
    box.querySelector("[data-votes]").textContent = String(state.votes);
    var label = box.querySelector("[data-vote-label]");
    if (label) label.textContent = counted(label, state.votes);
    button.value = state.voted ? "withdraw" : "vote";
    button.textContent = state.voted ? form.dataset.withdrawText : form.dataset.voteText;
    if (form.dataset.voteAria) {
      button.setAttribute("aria-label", state.voted ? form.dataset.withdrawAria : form.dataset.voteAria);
    }
    button.classList.toggle("secondary", state.voted);
    var left = document.querySelector("[data-votes-left]");
    if (left && state.votes_left !== null) left.textContent = counted(left, state.votes_left);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-vote]")) return;
    var button = event.submitter || form.querySelector("button[name=action]");
    var message = form.closest("[data-vote-box]").querySelector("[data-vote-message]");
    event.preventDefault();
    button.disabled = true;
    send(form, button.value, 0)
      .then(function (result) {
        message.textContent = result.ok ? "" : (result.body.message || form.dataset.failed);
        if (result.ok) show(form, button, result.body);
      })
      .catch(function () { message.textContent = form.dataset.failed; })
      .finally(function () { button.disabled = false; });
  });
})();
