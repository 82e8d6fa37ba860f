"""Field work (docs/field.md): the day's disconnection round from CMIS, its orders assigned
to crews, the crews' results, and the reconnection a payment makes owed.

Every rule here runs inside one ``Tx`` (the branch's lock held), like the hall's own: an
order is never assigned to two crews, a result never lands twice, and a payment that
settles a cut customer creates their reconnection order in the payment's transaction."""
