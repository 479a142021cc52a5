// Chained region lists: fill the next list when one is chosen. Without JavaScript the
// "show" buttons send the form back to the server, which fills it instead.
(function () {
  var form = document.querySelector("form[data-region-url]");
  if (!form) return;
  var url = form.dataset.regionUrl;
  var chain = [form.elements.province, form.elements.regency, form.elements.district];
  form.querySelectorAll(".js-hidden").forEach(function (el) { el.hidden = true; });

  function reset(select) {
    select.length = 1;  // keep the "Choose…" option
  }

  chain.slice(0, 2).forEach(function (select, i) {
    select.addEventListener("change", function () {
      var next = chain[i + 1];
      chain.slice(i + 1).forEach(reset);
      if (!select.value) return;
      fetch(url + "?" + select.name + "=" + encodeURIComponent(select.value))
        .then(function (response) { return response.json(); })
        .then(function (data) {
          data.options.forEach(function (o) { next.add(new Option(o.label, o.value)); });
        });
    });
  });
})();
