// The listing filter: a new province makes the chosen regency (of the old province) meaningless,
// so the regency list is reset and hidden until the form is applied and the server sends the new one.
document.querySelectorAll(".filter-form").forEach(function (form) {
  var province = form.querySelector("select[name=province]");
  var regency = form.querySelector("select[name=regency]");
  if (!province || !regency) return;
  var original = province.value;
  province.addEventListener("change", function () {
    var same = province.value === original;
    if (!same) regency.value = "";
    regency.disabled = !same;
    regency.closest("p").hidden = !same;
  });
});
