-- The statutory end of the step a status change leaves the dossier in (the due time of
-- its open task), for the portal's progress row (QuaTrinhXuLyDongBoDVC.NgayKetThucTheoQuyDinh):
-- a step's end, not the dossier's appointment, which the record already carries
-- (NgayHenTra). NULL when no step is open (received by no one yet, returned, ended);
-- rows written before this column fall back to the appointment.
ALTER TABLE status_outbox ADD COLUMN step_due_at timestamptz;
