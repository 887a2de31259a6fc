// Language switcher: change language as soon as one is picked (the button stays for browsers without JS).
document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
  var form = select.form;
  var button = form.querySelector("[data-autosubmit-button]");
  if (button) {
    button.hidden = true;
  }
  select.addEventListener("change", function () {
    form.submit();
  });
});
