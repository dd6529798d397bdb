/* The account page's statement upload with progress: the form is sent with XMLHttpRequest
   (the same multipart body, the CSRF token first), a <progress> follows the bytes sent, and
   the answer's #import-result (the import report, rendered by the server) takes the place of
   this page's. Without this script the form posts as usual and the answer is the whole page. */
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  var result = document.getElementById("import-result");
  var bar = document.getElementById("upload-progress");
  var status = document.getElementById("upload-status");
  var button = document.getElementById("upload-button");
  if (!form || !result || !bar || !status || !window.FormData || !window.DOMParser) return;

  function say(key) {
    status.textContent = status.getAttribute("data-" + key) || "";
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
    });
    xhr.upload.addEventListener("load", function () {
      bar.value = 100;
      say("importing");
    });
    xhr.addEventListener("load", function () {
      button.disabled = false;
      var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var answer = page.getElementById("import-result");
      if (!answer) {
        say("failed");
        return;
      }
      result.replaceWith(document.importNode(answer, true));
      result = document.getElementById("import-result");
      bar.hidden = true;
      status.textContent = "";
    });
    xhr.addEventListener("error", function () {
      button.disabled = false;
      say("failed");
    });
    bar.value = 0;
    bar.hidden = false;
    button.disabled = true;
    say("sending");
    xhr.send(new FormData(form));
  });
})();
