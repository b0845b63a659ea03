// Step-up with a passkey: once the key is verified, send the form that asked for it (its fields are kept in it).
document.addEventListener("otp_webauthn.verification_complete", function () {
  var form = document.getElementById("step-up-form");
  if (form) {
    form.submit();
  }
});
