// The Italian strings of logging in, locking, passwords and operators (issue 5),
// kept apart from i18n.js so that a translation is still one block per topic.

const STRINGS = {
  login: {
    title: 'Accesso',
    intro: 'Accedere con il proprio nome utente e la password.',
    username: 'Nome utente',
    password: 'Password',
    submit: 'Accedi',
    submitting: 'Accesso in corso…',
    forgot: 'Ho dimenticato la password / usa la chiave di recupero',
    backToPassword: 'Accedi con nome utente e password',
    recoveryKey: 'Chiave di recupero dell’ufficio',
    recoveryHint: 'La chiave stampata alla creazione del database, conservata nella cassaforte dell’ufficio. Trattini e spazi non contano.',
    recoveryIntro: 'Con la chiave di recupero si entra come amministratore «recupero»: poi impostare una nuova password per chi l’ha dimenticata (Operatori → Nuova password).',
    keysMissing: 'Manca il file delle chiavi del database: si può entrare solo con la chiave di recupero dell’ufficio.',
    database: 'Database: {path}',
    recovered: 'Accesso con la chiave di recupero: impostare una nuova password agli operatori che l’hanno dimenticata.',
  },
  lock: {
    title: 'Sessione bloccata',
    idle: 'Sessione bloccata per inattività: accedere di nuovo.',
    locked: 'Sessione bloccata: accedere di nuovo.',
    lostChanges: 'Le modifiche non salvate della pagina aperta sono andate perse.',
    back: 'Dopo l’accesso si torna alla pagina in cui si era.',
    other: 'Accedi con un altro utente',
  },
  damaged: {
    title: 'Database danneggiato',
    intro: 'Il file del database è danneggiato e non si apre. Un amministratore può ripristinare una delle copie di sicurezza automatiche (il file danneggiato viene conservato a parte).',
    choose: 'Copie di sicurezza disponibili (la più recente per prima)',
    none: 'Non ci sono copie di sicurezza automatiche: rivolgersi all’assistenza.',
    takenAt: 'Copia del {date}',
    restore: 'Ripristina la copia scelta e accedi',
    restoring: 'Ripristino in corso…',
    noAdmin: 'Per il ripristino serve un amministratore (o la chiave di recupero dell’ufficio).',
  },
  setup: {
    title: 'Primo avvio: crea l’amministratore',
    intro: 'Non c’è ancora un database. Il database viene cifrato: solo chi ha un account (o la chiave di recupero) può aprirlo. Create il primo account, quello dell’amministratore.',
    username: 'Nome utente',
    usernameHint: 'Lettere senza accento, cifre, punto, trattino (es. m.rossi).',
    name: 'Nome e cognome',
    password: 'Password',
    passwordHint: 'Almeno 10 caratteri. Una frase facile da ricordare va benissimo.',
    passwordRepeat: 'Ripetere la password',
    submit: 'Crea il database',
    submitting: 'Creazione del database…',
    mismatch: 'Le due password non coincidono.',
  },
  recovery: {
    title: 'Chiave di recupero',
    intro: 'Questa è la chiave di recupero del database. Viene mostrata UNA SOLA VOLTA e non è salvata da nessuna parte.',
    why: 'Serve se tutti dimenticano la password o se si perde il file delle chiavi: senza password e senza questa chiave i dati non si possono più aprire.',
    steps: [
      'Stamparla (pulsante «Stampa») oppure ricopiarla a mano, con cura.',
      'Chiuderla in busta nella cassaforte dell’ufficio.',
      'Non salvarla sul computer, in una email o in una foto.',
    ],
    print: 'Stampa',
    confirm: 'Ho conservato la chiave di recupero',
    continue: 'Continua',
    sheetTitle: 'Sportello — chiave di recupero del database',
    sheetDatabase: 'Database: {path}',
    sheetDate: 'Creata il {date}',
  },
  password: {
    forcedTitle: 'Scegli la tua password',
    forcedIntro: 'La password attuale è stata impostata da un amministratore: sceglierne una personale prima di continuare.',
    title: 'Cambia password',
    old: 'Password attuale',
    new: 'Nuova password',
    newHint: 'Almeno 10 caratteri, diversa da quella attuale.',
    repeat: 'Ripetere la nuova password',
    submit: 'Cambia password',
    done: 'Password cambiata.',
    mismatch: 'Le due password non coincidono.',
  },
  user: {
    menu: 'Menu utente',
    changePassword: 'Cambia password',
    lock: 'Blocca',
    logout: 'Esci',
  },
  roles: { operatore: 'Operatore', coordinatore: 'Coordinatore', amministratore: 'Amministratore' },
  operators: {
    nav: 'Operatori',
    title: 'Operatori',
    subtitle: 'Gli account che possono aprire il database e il loro ruolo.',
    readOnly: 'Solo un amministratore può aggiungere operatori, impostare password o revocare account.',
    colUsername: 'Nome utente',
    colName: 'Nome',
    colRole: 'Ruolo',
    colActive: 'Attivo',
    colMustChange: 'Deve cambiare password',
    colActions: 'Azioni',
    active: 'Attivo',
    revoked: 'Revocato',
    setPassword: 'Nuova password',
    revoke: 'Revoca',
    cancel: 'Annulla',
    newPassword: 'Nuova password per {name}',
    newPasswordHint: 'Da comunicare di persona: al primo accesso l’operatore ne sceglierà una sua.',
    passwordSet: 'Password impostata: {name} dovrà cambiarla al prossimo accesso.',
    revokeTitle: 'Revocare l’account?',
    revokeBody: '{name} ({username}) non potrà più accedere. La sua attività resta nel registro degli accessi.',
    revokeConfirm: 'Revoca l’account',
    revoked_done: 'Account di {name} revocato.',
    addTitle: 'Aggiungi un operatore',
    username: 'Nome utente',
    name: 'Nome e cognome',
    role: 'Ruolo',
    initialPassword: 'Password iniziale',
    initialPasswordHint: 'Almeno 10 caratteri; l’operatore dovrà cambiarla al primo accesso.',
    add: 'Aggiungi operatore',
    added: 'Operatore {name} aggiunto.',
  },
  close: {
    title: 'Chiudere Sportello?',
    body: 'Ci sono modifiche non salvate in questa pagina. Chiudendo andranno perse.',
    stay: 'Resta nella pagina',
    leave: 'Chiudi senza salvare',
  },
};

function lookup(key) {
  let node = STRINGS;
  for (const part of key.split('.')) node = node?.[part];
  return node;
}

/** ta('lock.idle') → the Italian text; {name} placeholders filled from vars. */
export function ta(key, vars) {
  const value = lookup(key);
  if (typeof value !== 'string') return value === undefined ? key : value;
  if (!vars) return value;
  return value.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

export function roleLabel(role) {
  return STRINGS.roles[role] ?? String(role ?? '');
}
