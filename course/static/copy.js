// Progressive enhancement: a "Copy link" button next to a read-only link field.
// Without JavaScript the button stays hidden and the field can be selected and copied.
document.querySelectorAll("[data-copy]").forEach(function (button) {
  var field = document.getElementById(button.getAttribute("data-copy"));
  var status = button.parentElement.querySelector("[data-copied]");
  if (!field || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(field.value).then(function () {
      if (status) status.textContent = status.getAttribute("data-copied");
    });
  });
});
