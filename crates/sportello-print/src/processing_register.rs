//! "Registro delle attività di trattamento" (Regolamento UE 2016/679, art.
//! 30, par. 1): the entry of the register for the processing this program
//! does, for the office's DPO. Each element of art. 30(1), letters a-g, is a
//! section; the titolare and the DPO come from the informativa's settings,
//! the security measures are the program's as built (ARCHITECTURE.md).
//!
//! Rendering only: the service gives the office, the titolare, the DPO and
//! the retention lines.

use chrono::NaiveDate;

use super::fonts::check_printable;
use super::layout::{Align, Document, Paragraph, Signature, Span};
use super::office;
use crate::dates;
use crate::domain::Office;
use crate::error::Result;

pub const TITLE: &str = "Registro delle attività di trattamento";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessingRegister {
    pub office: Office,
    pub comune_name: Option<String>,
    /// The titolare and the DPO, as the informativa in force names them
    /// (`None`: no informativa saved yet: the register says so).
    pub controller: Option<String>,
    pub dpo: Option<String>,
    /// The version of the informativa in force, and its day.
    pub informativa: Option<(u32, NaiveDate)>,
    /// The retention periods, one line each ("fascicoli chiusi: 10 anni…");
    /// empty: said in words.
    pub retention: Vec<String>,
    pub issued_on: NaiveDate,
    /// Who prints it.
    pub operator: String,
}

fn section(doc: &mut Document, letter: &str, title: &str) {
    doc.heading(2, format!("{letter}) {title}"));
}

fn para(doc: &mut Document, text: impl Into<String>) {
    doc.paragraph(Paragraph::text(text).space_before(4.0));
}

fn lines(doc: &mut Document, text: &str) {
    for l in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        doc.paragraph(Paragraph::text(l).space_before(1.0));
    }
}

pub fn document(r: &ProcessingRegister) -> Document {
    let mut doc = Document::new(TITLE);
    doc.footer = format!("{TITLE} — art. 30 Regolamento (UE) 2016/679 — {}", dates::format_it(r.issued_on));
    doc.subject = "Scheda del trattamento «Servizi sociali comunali — applicativo Sportello»".into();
    doc.date = Some(r.issued_on);
    office::heading(&mut doc, &r.office, r.comune_name.as_deref());
    doc.heading(1, TITLE);
    doc.paragraph(
        Paragraph::text("art. 30, par. 1, del Regolamento (UE) 2016/679 — scheda del trattamento")
            .align(Align::Center)
            .size(9.5)
            .space_before(2.0),
    );
    doc.paragraph(
        Paragraph::new(vec![
            Span::bold("Trattamento: "),
            Span::regular(
                "servizi sociali comunali — accesso, presa in carico dei nuclei familiari, progetti \
                 personalizzati (patti per l'inclusione), verifica dei requisiti e misure di sostegno, avvisi, \
                 graduatorie e contributi, residenzialità temporanea, rendicontazione dei programmi finanziati, \
                 svolto con l'applicativo Sportello.",
            ),
        ])
        .space_before(10.0),
    );
    doc.paragraph(
        Paragraph::text(format!("Scheda aggiornata al {}.", dates::format_it(r.issued_on))).space_before(2.0),
    );

    section(&mut doc, "a", "Titolare del trattamento e Responsabile della protezione dei dati");
    doc.paragraph(Paragraph::new(vec![Span::bold("Titolare del trattamento")]).space_before(4.0));
    match &r.controller {
        Some(c) => lines(&mut doc, c),
        None => para(
            &mut doc,
            "Non ancora indicato: l'amministratore lo indica nell'informativa dell'ufficio (Operatori › \
             Informativa privacy).",
        ),
    }
    doc.paragraph(
        Paragraph::new(vec![Span::bold("Responsabile della protezione dei dati (RPD/DPO)")])
            .space_before(4.0),
    );
    match &r.dpo {
        Some(d) => lines(&mut doc, d),
        None => para(
            &mut doc,
            "Non ancora indicato: l'amministratore lo indica nell'informativa dell'ufficio (Operatori › \
             Informativa privacy).",
        ),
    }
    para(
        &mut doc,
        "Contitolari del trattamento: nessuno. Il Comune tratta i dati in proprio; gli enti che trattano dati per \
         suo conto (enti gestori e partner dei programmi) sono designati responsabili del trattamento (art. 28).",
    );
    if let Some((v, on)) = r.informativa {
        para(
            &mut doc,
            format!(
                "Informativa agli interessati (artt. 13-14): versione {v} del {}, consegnata a ogni componente \
                 maggiorenne e registrata nel fascicolo.",
                dates::format_it(on)
            ),
        );
    }

    section(&mut doc, "b", "Finalità del trattamento e base giuridica");
    doc.bullets(&[
        "accesso ai servizi sociali e presa in carico dei nuclei familiari (segretariato sociale, analisi preliminare);",
        "definizione, sottoscrizione e monitoraggio del progetto personalizzato (patto per l'inclusione) e dei sostegni;",
        "verifica dei requisiti delle misure di sostegno, avvisi pubblici, graduatorie, ricorsi, erogazione e \
         rendicontazione dei contributi (rimborsi, elenchi di liquidazione);",
        "inserimento in alloggi di residenzialità temporanea e gestione della lista d'attesa;",
        "trasmissione dei dati delle prestazioni al SIUSS dell'INPS; rendicontazione dei programmi finanziati;",
        "sicurezza del trattamento: registro degli accessi ai fascicoli, gestione delle violazioni (artt. 33-34).",
    ]);
    para(
        &mut doc,
        "Base giuridica: art. 6, par. 1, lett. e (compito di interesse pubblico); per le categorie particolari \
         di dati art. 9, par. 2, lett. g e h, con l'art. 2-sexies, comma 2, lett. s, del D.Lgs. 196/2003; per i \
         dati giudiziari art. 10 e art. 2-octies del D.Lgs. 196/2003. Norme che attribuiscono il compito: L. \
         328/2000, D.Lgs. 147/2017 e norme successive sulle misure di inclusione, L.R. Lombardia 3/2008, \
         regolamenti comunali e atti dei programmi finanziati.",
    );

    section(&mut doc, "c", "Categorie di interessati e categorie di dati personali");
    doc.paragraph(Paragraph::new(vec![Span::bold("Interessati")]).space_before(4.0));
    doc.bullets(&[
        "richiedenti dei servizi e delle misure;",
        "componenti dei nuclei familiari, compresi i minori;",
        "tutori, amministratori di sostegno, intestatari dei conti su cui sono accreditati i contributi;",
        "richiedenti degli avvisi pubblici (domande e graduatorie);",
        "operatori del servizio che usano l'applicativo (account, ruolo, équipe, registro degli accessi).",
    ]);
    doc.paragraph(Paragraph::new(vec![Span::bold("Dati personali")]).space_before(4.0));
    doc.bullets(&[
        "dati identificativi: nome e cognome, codice fiscale, data e luogo di nascita, sesso, cittadinanza, \
         titolo di soggiorno;",
        "dati di contatto: indirizzo, telefono, posta elettronica;",
        "composizione del nucleo familiare: relazioni di parentela, tutela;",
        "situazione economica: ISEE, redditi, contributi erogati, IBAN;",
        "situazione abitativa, condizione occupazionale e lavorativa, istruzione e formazione;",
        "categorie particolari (art. 9): dati relativi alla salute e alla disabilità (invalidità, disabilità \
         certificata, non autosufficienza), solo se necessari al servizio;",
        "dati giudiziari (art. 10): solo se necessari e nei casi previsti dalla legge (provvedimenti \
         dell'autorità giudiziaria annotati nel fascicolo);",
        "contenuti della presa in carico: analisi preliminare, progetto personalizzato, impegni, incontri, \
         firme, documenti stampati, esiti delle verifiche dei requisiti.",
    ]);

    section(&mut doc, "d", "Categorie di destinatari");
    doc.bullets(&[
        "INPS: Sistema informativo unitario dei servizi sociali (SIUSS), flusso delle prestazioni erogate;",
        "Regione Lombardia e Ambito territoriale: programmazione, monitoraggio, rendicontazione;",
        "enti partner e enti gestori dei programmi finanziati (responsabili del trattamento, art. 28);",
        "enti finanziatori e autorità di gestione e di controllo dei programmi, anche europei;",
        "ufficio ragioneria del Comune: elenchi di liquidazione dei contributi;",
        "autorità giudiziaria e altre pubbliche amministrazioni, nei casi previsti dalla legge.",
    ]);
    para(&mut doc, "I dati non sono diffusi.");

    section(&mut doc, "e", "Trasferimenti verso paesi terzi o organizzazioni internazionali");
    para(
        &mut doc,
        "Nessun trasferimento verso paesi terzi o organizzazioni internazionali. L'applicativo funziona sui \
         computer dell'ufficio, senza servizi in cloud; la sincronizzazione avviene solo tra i dispositivi \
         iscritti dell'ufficio, direttamente o con file.",
    );

    section(&mut doc, "f", "Termini ultimi previsti per la cancellazione");
    if r.retention.is_empty() {
        para(
            &mut doc,
            "I fascicoli sono conservati per il tempo necessario alla presa in carico e, dopo la sua chiusura, \
             per i periodi previsti dalla normativa sugli archivi pubblici (D.Lgs. 42/2004, D.P.R. 445/2000) e \
             dal piano di conservazione del Comune; la documentazione contabile dei contributi erogati per dieci \
             anni. Il piano dei tempi di conservazione applicato è quello dell'applicativo, che alla scadenza \
             propone la cancellazione o l'anonimizzazione dei dati; il registro degli accessi è conservato con \
             il fascicolo.",
        );
    } else {
        doc.bullets(&r.retention);
    }

    section(&mut doc, "g", "Misure di sicurezza tecniche e organizzative (art. 32)");
    doc.bullets(&[
        "Cifratura dei dati: il database è cifrato (SQLCipher, AES-256) con una chiave casuale di 256 bit che \
         nessuno digita; ogni operatore ne custodisce una copia cifrata con la propria password (Argon2id, \
         64 MiB, 3 passaggi; XChaCha20-Poly1305); una chiave di recupero stampata alla creazione è custodita \
         nella cassaforte dell'ufficio. I documenti stampati sono conservati nel database cifrato.",
        "Cambio della chiave (re-key) dopo la revoca di un operatore: il database è cifrato con una chiave nuova \
         e gli altri operatori ricevono una password monouso.",
        "Autenticazione personale e ruoli: operatore, coordinatore, amministratore, con permessi crescenti per \
         ogni funzione; l'operatore vede solo i fascicoli propri, della propria équipe e quelli non assegnati.",
        "Limitazione del trattamento (art. 18): un fascicolo limitato è conservato ma non usato; lo apre solo il \
         coordinatore e lascia i dispositivi degli operatori.",
        "Registro degli accessi: ogni operazione sui dati di una persona è registrata (chi, quando, su quale \
         fascicolo) in un registro a sola aggiunta, con righe concatenate da hash e verifica dell'integrità; \
         il coordinatore stampa gli accessi a un fascicolo e l'elenco delle persone esposte in caso di \
         violazione (artt. 33-34).",
        "Sincronizzazione tra i dispositivi dell'ufficio con pacchetti cifrati per il destinatario (X25519, \
         XChaCha20-Poly1305) e firmati dal mittente (Ed25519); ogni dispositivo riceve solo i fascicoli degli \
         operatori iscritti su di esso.",
        "Copie di sicurezza automatiche cifrate con la stessa chiave del database, verificate dopo la scrittura.",
        "Blocco automatico della sessione dopo un periodo di inattività: la chiave viene cancellata dalla \
         memoria.",
        "Visualizzazione dei documenti nella finestra dell'applicativo, in memoria; le copie aperte con altri \
         programmi sono scritte in un'area privata svuotata alla chiusura, al blocco e all'accesso successivo.",
        "Aggiornamenti installati solo se firmati dall'editore.",
        "Misure organizzative: autorizzazione e istruzione degli operatori, designazione dei responsabili del \
         trattamento, informativa consegnata e registrata per ogni componente maggiorenne.",
    ]);

    let place_date = match &r.comune_name {
        Some(n) => format!("{n}, {}", dates::format_it(r.issued_on)),
        None => dates::format_it(r.issued_on),
    };
    doc.paragraph(Paragraph::text(place_date).space_before(14.0));
    doc.push(super::layout::Block::Signature(Signature {
        label: vec![Span::regular("Stampato da: "), Span::bold(&r.operator)],
    }));
    doc
}

pub fn render(r: &ProcessingRegister) -> Result<Vec<u8>> {
    office::check(&r.office, "office")?;
    for (field, v) in [("controller", &r.controller), ("dpo", &r.dpo)] {
        if let Some(v) = v {
            check_printable(field, v)?;
        }
    }
    check_printable("operator", &r.operator)?;
    for (i, l) in r.retention.iter().enumerate() {
        check_printable(&format!("retention[{i}]"), l)?;
    }
    document(r).render()
}
