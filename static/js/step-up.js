// Step-up and re-authentication with a passkey: once the key is verified, send the form that asked for it
// (its fields, the password typed included, are kept in it).
document.addEventListener("otp_webauthn.verification_complete", function () {
  var form = document.querySelector("form[data-after-passkey]");
  if (form) {
    form.submit();
  }
});
