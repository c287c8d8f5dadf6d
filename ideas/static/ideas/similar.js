// While a new idea's title is typed, list similar ideas of the campaign (the form works without this).
(function () {
  var form = document.querySelector("form[data-similar-url]");
  if (!form) return;
  var title = form.querySelector("[name=title]"), box = document.getElementById("similar-ideas"), timer;
  title.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (title.value.trim().length < 4) { box.textContent = ""; return; }
      fetch(form.dataset.similarUrl + "?titre=" + encodeURIComponent(title.value), {credentials: "same-origin"})
        .then(function (response) { return response.json(); })
        .then(function (data) {
          box.textContent = "";
          if (!data.ideas.length) return;
          var heading = document.createElement("p");
          heading.textContent = box.dataset.heading;
          var list = document.createElement("ul");
          data.ideas.forEach(function (idea) {
            var item = document.createElement("li"), link = document.createElement("a");
            link.href = idea.url; link.textContent = idea.title;  // text, never markup
            item.appendChild(link); list.appendChild(item);
          });
          box.appendChild(heading); box.appendChild(list);
        });
    }, 300);
  });
})();
