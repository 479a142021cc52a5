// Live totals on the checkout page. The server prices everything (orders.pricing): this only
// asks it again when a shipping option (pick-up, own delivery, a courier service) changes and
// shows the answer, fees included. Without JavaScript the
// "Recalculate" button does the same with a page load; placing the order is checked again.
(function () {
  var form = document.querySelector("form[data-quote-url]");
  if (!form || !window.fetch || !window.FormData) return;
  var recalculate = form.querySelector("button[name=recalculate]");
  var seen = form.querySelector("input[name=seen_total]");
  var asked = 0;

  function show(selector, text) {
    var element = form.querySelector(selector);
    if (element) element.textContent = text;
  }

  form.addEventListener("change", function (event) {
    var name = event.target.name || "";
    if (name === "address") {
      // Another address offers other shipping options: the page itself must change.
      if (form.requestSubmit) form.requestSubmit(recalculate); else recalculate.click();
      return;
    }
    if (name.indexOf("shipping_") !== 0) return;
    var ticket = ++asked;
    fetch(form.getAttribute("data-quote-url"), { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (quote) {
        if (!quote || ticket !== asked) return;  // a later change has its own answer coming
        var gone = Object.keys(quote.shops).some(function (shop) {
          return !quote.shops[shop].option && form.querySelector('input[name="shipping_' + shop + '"]:checked');
        });
        if (gone) {
          // A chosen option is no longer offered (a rate vanished meanwhile): the list itself must change.
          if (form.requestSubmit) form.requestSubmit(recalculate); else recalculate.click();
          return;
        }
        Object.keys(quote.shops).forEach(function (shop) {
          show('[data-shop-shipping="' + shop + '"]', quote.shops[shop].shipping);
          show('[data-shop-total="' + shop + '"]', quote.shops[shop].total);
        });
        ["items", "shipping", "grand_total"].forEach(function (key) {
          show('[data-total="' + key + '"]', quote[key]);
        });
        seen.value = quote.total;
      })
      .catch(function () { /* offline: the totals are checked again when the order is placed */ });
  });
})();
