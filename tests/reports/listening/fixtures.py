"""Free texts written for these tests, in the way bank customers write (no real review is copied here)."""

COMPLAINTS_PHONE = [
    "Impossible de joindre le service client par téléphone, une heure d'attente puis on raccroche.",
    "Service client injoignable au téléphone, attente interminable, c'est lamentable.",
    "Toujours aucune réponse du service client, ni par téléphone ni par mail. Honteux.",
    "Le téléphone sonne dans le vide, service client inexistant, je suis très déçu.",
    "Attente au téléphone de 45 minutes pour parler au service client, inadmissible.",
    "Service client nul : personne au téléphone, aucune réponse aux mails.",
]
PRAISE_APP = [
    "L'application mobile est simple, rapide et très pratique, je recommande.",
    "Application mobile claire et facile, les virements sont immédiats. Parfait.",
    "Très satisfait de l'application mobile, intuitive et fiable.",
    "Application mobile excellente, tout est facile et rapide.",
    "J'adore l'application mobile : pratique, rapide, efficace.",
    "Application mobile top, simple à utiliser au quotidien, merci.",
]
FEES = [
    "Les frais de tenue de compte ont encore augmenté, c'est trop cher.",
    "Des frais cachés sur chaque carte, tarifs trop chers et frais abusifs.",
    "Frais bancaires trop élevés pour la carte, je vais quitter la banque.",
    "Encore des frais sur la carte à l'étranger, tarifs abusifs.",
    "Carte gratuite la première année puis des frais énormes, décevant.",
]
ALL = COMPLAINTS_PHONE + PRAISE_APP + FEES
