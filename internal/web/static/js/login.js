// The sign-in page needs no script beyond the shell; this module keeps the
// email field focused for keyboard users.
const email = document.getElementById('email');
if (email && !email.value) email.focus();
