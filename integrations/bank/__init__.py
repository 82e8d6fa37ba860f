"""The bank the hall's account is held at: its notification wire (signing) and, in
``simulator``, a stand-in that pays by VietQR and sends notifications with faults."""
