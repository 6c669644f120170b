from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.erasure_out import ErasureOut
from ...models.erasure_request import ErasureRequest
from ...models.problem import Problem
from typing import cast
from uuid import UUID



def _get_kwargs(
    member_id: UUID,
    *,
    body: ErasureRequest,
    idempotency_key: str,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["Idempotency-Key"] = idempotency_key



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/members/{member_id}/erasure".format(member_id=quote(str(member_id), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErasureOut | Problem | None:
    if response.status_code == 200:
        response_200 = ErasureOut.from_dict(response.json())



        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())



        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())



        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())



        return response_409

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())



        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())



        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErasureOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    member_id: UUID,
    *,
    client: AuthenticatedClient,
    body: ErasureRequest,
    idempotency_key: str,

) -> Response[ErasureOut | Problem]:
    """ Erase Member

     Erase the member's personal data (crypto-shredding): name, birthday, phone, email and channel ids
    read as "đã xoá" from now on, the phone and email may enrol again as someone new; the balance and
    the
    history's figures stay. A retry with the same key answers the same.

    Args:
        member_id (UUID):
        idempotency_key (str): Required on every request that changes state (IETF Idempotency-Key
            draft). A retry with the same key and body gets the original answer; another body is
            refused (422).
        body (ErasureRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErasureOut | Problem]
     """


    kwargs = _get_kwargs(
        member_id=member_id,
body=body,
idempotency_key=idempotency_key,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    member_id: UUID,
    *,
    client: AuthenticatedClient,
    body: ErasureRequest,
    idempotency_key: str,

) -> ErasureOut | Problem | None:
    """ Erase Member

     Erase the member's personal data (crypto-shredding): name, birthday, phone, email and channel ids
    read as "đã xoá" from now on, the phone and email may enrol again as someone new; the balance and
    the
    history's figures stay. A retry with the same key answers the same.

    Args:
        member_id (UUID):
        idempotency_key (str): Required on every request that changes state (IETF Idempotency-Key
            draft). A retry with the same key and body gets the original answer; another body is
            refused (422).
        body (ErasureRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErasureOut | Problem
     """


    return sync_detailed(
        member_id=member_id,
client=client,
body=body,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    member_id: UUID,
    *,
    client: AuthenticatedClient,
    body: ErasureRequest,
    idempotency_key: str,

) -> Response[ErasureOut | Problem]:
    """ Erase Member

     Erase the member's personal data (crypto-shredding): name, birthday, phone, email and channel ids
    read as "đã xoá" from now on, the phone and email may enrol again as someone new; the balance and
    the
    history's figures stay. A retry with the same key answers the same.

    Args:
        member_id (UUID):
        idempotency_key (str): Required on every request that changes state (IETF Idempotency-Key
            draft). A retry with the same key and body gets the original answer; another body is
            refused (422).
        body (ErasureRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErasureOut | Problem]
     """


    kwargs = _get_kwargs(
        member_id=member_id,
body=body,
idempotency_key=idempotency_key,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    member_id: UUID,
    *,
    client: AuthenticatedClient,
    body: ErasureRequest,
    idempotency_key: str,

) -> ErasureOut | Problem | None:
    """ Erase Member

     Erase the member's personal data (crypto-shredding): name, birthday, phone, email and channel ids
    read as "đã xoá" from now on, the phone and email may enrol again as someone new; the balance and
    the
    history's figures stay. A retry with the same key answers the same.

    Args:
        member_id (UUID):
        idempotency_key (str): Required on every request that changes state (IETF Idempotency-Key
            draft). A retry with the same key and body gets the original answer; another body is
            refused (422).
        body (ErasureRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErasureOut | Problem
     """


    return (await asyncio_detailed(
        member_id=member_id,
client=client,
body=body,
idempotency_key=idempotency_key,

    )).parsed
