// Search suggestions for the header's search box: product names from /cari/saran/.
// Loaded with `defer`; without it (or without JavaScript) the search form works the same.
(function (script) {
  var url = script && script.getAttribute("data-url");
  var input = document.getElementById("site-search");
  var form = input && input.form;
  if (!url || !input || !form || !window.fetch) return;
  var list = document.createElement("datalist");
  list.id = "site-search-suggestions";
  form.appendChild(list);
  input.setAttribute("list", list.id);
  input.setAttribute("autocomplete", "off");
  var timer = null;
  var last = "";
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim();
      if (q.length < 2 || q === last) return;
      last = q;
      fetch(url + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) {
          list.textContent = "";
          data.suggestions.forEach(function (name) {
            var option = document.createElement("option");
            option.value = name;
            list.appendChild(option);
          });
        })
        .catch(function () {});
    }, 200);
  });
})(document.currentScript);
